import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from '../api/auth-hooks.ts';
import { createAuthMetrics } from './auth-metrics.ts';
import { createCallerAuthenticator } from './caller-authenticator.ts';
import type { AuthMethod, TokenAuthenticator, Verdict } from './token-authenticator.ts';

function request(authorization?: string): AuthRequest {
  return { transport: 'http', header: (name) => (name === 'authorization' ? authorization : undefined) };
}

/** An authenticator answering from a table (others pass), synchronously or after a tick. */
function tableAuthenticator(method: AuthMethod, table: Record<string, Verdict>, async = false) {
  const asked: string[] = [];
  const authenticator: TokenAuthenticator = {
    method,
    authenticate(token) {
      asked.push(token.value);
      const verdict = table[token.value] ?? { kind: 'pass' };
      return async ? Promise.resolve(verdict) : verdict;
    },
  };
  return { authenticator, asked };
}

const principal = (subject: string, method: AuthMethod) => ({ subject, namespace: 'shop', method });

function setup() {
  const registry = new Registry();
  const first = tableAuthenticator('static', {
    'static-token-0123456789': { kind: 'authenticated', principal: principal('static:shop', 'static') },
  });
  const second = tableAuthenticator(
    'serviceaccount',
    {
      'sa.token.ok': {
        kind: 'authenticated',
        principal: principal('system:serviceaccount:shop:web', 'serviceaccount'),
      },
      'sa.token.bad': { kind: 'rejected', message: 'service-account token rejected: expired' },
      'sa.token.down': { kind: 'unavailable', message: 'cannot check the service-account token now: down' },
    },
    true,
  );
  const debug: object[] = [];
  const authenticate = createCallerAuthenticator({
    authenticators: [first.authenticator, second.authenticator],
    metrics: createAuthMetrics(registry),
    logger: { debug: (obj) => debug.push(obj), warn: (obj) => debug.push(obj) },
  });
  const count = async (method: string, result: string) =>
    (await registry.getSingleMetric('ensign_sidecar_auth_results_total')?.get())?.values.find(
      (v) => v.labels.method === method && v.labels.result === result,
    )?.value;
  return { authenticate, first, second, count, debug };
}

describe('createCallerAuthenticator', () => {
  it('answers synchronously when the first authenticator knows the token, asking no other', async () => {
    const { authenticate, second, count } = setup();
    const result = authenticate(request('Bearer static-token-0123456789'));
    expect(result).toEqual({ ok: true, principal: principal('static:shop', 'static') });
    expect(second.asked).toEqual([]);
    expect(await count('static', 'authenticated')).toBe(1);
  });

  it('asks the next authenticator when the first passes', async () => {
    const { authenticate, first, count } = setup();
    expect(await authenticate(request('Bearer sa.token.ok'))).toMatchObject({ ok: true });
    expect(first.asked).toEqual(['sa.token.ok']);
    expect(await count('serviceaccount', 'authenticated')).toBe(1);
  });

  it('accepts Flipt’s JWT scheme too', async () => {
    const { authenticate } = setup();
    expect(await authenticate(request('JWT sa.token.ok'))).toMatchObject({ ok: true });
  });

  it.each([
    ['no header', undefined, 'none', /^missing credentials/],
    ['a lower-case scheme', 'bearer static-token-0123456789', 'none', /^malformed Authorization header/],
    ['a token nobody knows', 'Bearer unknown-token', 'none', /^the bearer token is not valid$/],
    ['a token its authenticator rejects', 'Bearer sa.token.bad', 'serviceaccount', /expired$/],
  ])('refuses %s as UNAUTHENTICATED', async (_what, header, method, message) => {
    const { authenticate, count } = setup();
    const result = await authenticate(request(header));
    expect(result).toMatchObject({ ok: false, error: { kind: 'UNAUTHENTICATED' } });
    if (!result.ok) expect(result.error.message).toMatch(message);
    expect(await count(method, 'unauthenticated')).toBe(1);
  });

  it('answers UNAVAILABLE when a token cannot be checked now', async () => {
    const { authenticate, count } = setup();
    expect(await authenticate(request('Bearer sa.token.down'))).toEqual({
      ok: false,
      error: { kind: 'UNAVAILABLE', message: 'cannot check the service-account token now: down' },
    });
    expect(await count('serviceaccount', 'unavailable')).toBe(1);
  });

  it('logs the method and reason of a refusal, not the token', async () => {
    const { authenticate, debug } = setup();
    await authenticate(request('Bearer sa.token.bad'));
    expect(debug).toEqual([
      { transport: 'http', method: 'serviceaccount', reason: 'service-account token rejected: expired' },
    ]);
  });
});
