import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from '../config.ts';

const cluster = ['--sync-insecure', '--sync-addr=127.0.0.1:1', '--leader-election=false'];
const env = { POD_NAMESPACE: 'ensign-system' };

describe('parseOperatorConfig: injection webhook options', () => {
  it('serves the webhook on 0.0.0.0:9443 by default and leaves the injection config path unset', () => {
    const config = parseOperatorConfig(cluster, env);
    expect(config['webhook-addr']).toEqual({ enabled: true, address: '0.0.0.0:9443' });
    expect(config['injection-config']).toBeUndefined();
  });

  it('reads off, an address and the config path from flags and env', () => {
    expect(parseOperatorConfig([...cluster, '--webhook-addr=off'], env)['webhook-addr']).toEqual({
      enabled: false,
    });
    const config = parseOperatorConfig(cluster, {
      ...env,
      ENSIGN_WEBHOOK_ADDR: '127.0.0.1:9444',
      ENSIGN_INJECTION_CONFIG: '/config/injection.yaml',
    });
    expect(config['webhook-addr']).toEqual({ enabled: true, address: '127.0.0.1:9444' });
    expect(config['injection-config']).toBe('/config/injection.yaml');
    expect(() => parseOperatorConfig([...cluster, '--webhook-addr=9443'], env)).toThrow(
      '--webhook-addr (ENSIGN_WEBHOOK_ADDR): must be host:port or off',
    );
  });

  it('takes webhook TLS files only with --cert-mode=files, and both together', () => {
    const files = [...cluster, '--cert-mode=files'];
    const config = parseOperatorConfig(
      [...files, '--webhook-tls-cert=/tls/tls.crt', '--webhook-tls-key=/tls/tls.key'],
      env,
    );
    expect(config['webhook-tls-cert']).toBe('/tls/tls.crt');
    expect(() => parseOperatorConfig([...files, '--webhook-tls-cert=/tls/tls.crt'], env)).toThrow(
      '--webhook-tls-key (ENSIGN_WEBHOOK_TLS_KEY): and its pair come together',
    );
    expect(() =>
      parseOperatorConfig([...cluster, '--webhook-tls-cert=/c', '--webhook-tls-key=/k'], env),
    ).toThrow('--webhook-tls-cert (ENSIGN_WEBHOOK_TLS_CERT): is for --cert-mode=files');
  });
});
