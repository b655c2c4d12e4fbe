import { describe, expect, it } from 'vitest';
import { captureLogLines as capture } from './test-support/capture-log-lines.ts';
import { createLogger } from './logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with level name, ISO time, message and component', () => {
    const out = capture();
    createLogger('sidecar', 'info', out.stream).info({ namespace: 'shop' }, 'rule set applied');
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 'info',
      component: 'sidecar',
      namespace: 'shop',
      msg: 'rule set applied',
    });
    expect(String(line?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('never writes tokens or Authorization headers', () => {
    const out = capture();
    createLogger('sidecar', 'info', out.stream).warn(
      {
        token: 'secret-1',
        headers: { authorization: 'Bearer secret-2' },
        req: { headers: { authorization: 'Bearer secret-3' } },
        metadata: { authorization: 'Bearer secret-4' },
      },
      'auth failed',
    );
    const text = JSON.stringify(out.lines());
    expect(text).not.toMatch(/secret-/);
    expect(text).toContain('[REDACTED]');
  });

  it('redacts every credential path, however it is nested, and keeps the fields around it', () => {
    const out = capture();
    const logger = createLogger('operator', 'debug', out.stream).child({ subsystem: 'auth' });
    logger.debug(
      {
        namespace: 'shop',
        flag: 'checkout',
        review: { spec: { token: 'secret-a' } },
        request: { headers: { Authorization: 'Bearer secret-b', accept: 'json' } },
        call: { metadata: { authorization: 'Bearer secret-c' } },
        Authorization: 'Bearer secret-d',
        req: { headers: { cookie: 'session=secret-e' } },
        tls: { key: 'secret-f', cert: 'PEM' },
        ca: { caKey: 'secret-g' },
        privateKey: 'secret-h',
      },
      'reviewing',
    );
    const [line] = out.lines();
    expect(JSON.stringify(line)).not.toMatch(/secret-/);
    expect(line).toMatchObject({
      level: 'debug',
      component: 'operator',
      subsystem: 'auth',
      namespace: 'shop',
      flag: 'checkout',
      request: { headers: { Authorization: '[REDACTED]', accept: 'json' } },
      tls: { key: '[REDACTED]', cert: 'PEM' },
    });
  });

  it('leaves a flag key alone: only credential fields are censored', () => {
    const out = capture();
    createLogger('sidecar', 'info', out.stream).info({ key: 'new-checkout', flagKey: 'x' }, 'evaluated');
    expect(out.lines()[0]).toMatchObject({ key: 'new-checkout', flagKey: 'x' });
  });
});
