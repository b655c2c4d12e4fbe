import { describe, expect, it } from 'vitest';
import type { OperatorReview } from './operator-review-client.ts';
import { ReviewUnavailableError } from './operator-review-client.ts';
import { createServiceAccountAuthenticator } from './service-account-authenticator.ts';
import { fakeJwt } from './test-support/fake-jwt.ts';
import { presentedToken } from './token-authenticator.ts';

const T0 = 1_735_689_600_000;
const WEB = fakeJwt({ sub: 'system:serviceaccount:shop:web', exp: T0 / 1000 + 3600 });
const SOON = fakeJwt({ sub: 'system:serviceaccount:shop:cron', exp: T0 / 1000 + 20 });
const BAD = fakeJwt({ sub: 'x' });
const DOWN = fakeJwt({ sub: 'down' });

function setup() {
  let now = T0;
  const calls: string[] = [];
  const answers = new Map<string, OperatorReview>([
    [
      WEB,
      {
        authenticated: true,
        username: 'system:serviceaccount:shop:web',
        namespace: 'shop',
        serviceAccount: 'web',
        expiresAtMs: T0 + 3_600_000,
      },
    ],
    [
      SOON,
      {
        authenticated: true,
        username: 'system:serviceaccount:shop:cron',
        namespace: 'shop',
        serviceAccount: 'cron',
        expiresAtMs: T0 + 20_000,
      },
    ],
    [BAD, { authenticated: false, error: 'token has been invalidated' }],
  ]);
  const authenticator = createServiceAccountAuthenticator({
    review: (token) => {
      calls.push(token);
      if (token === DOWN)
        return Promise.reject(new ReviewUnavailableError('operator UNAVAILABLE: connection refused'));
      return Promise.resolve(answers.get(token) ?? { authenticated: false, error: 'invalid bearer token' });
    },
    now: () => now,
  });
  return { authenticator, calls, advance: (ms: number) => (now += ms) };
}

describe('createServiceAccountAuthenticator', () => {
  it('authenticates a service account the operator vouches for', async () => {
    const { authenticator } = setup();
    expect(await authenticator.authenticate(presentedToken(WEB))).toEqual({
      kind: 'authenticated',
      principal: {
        subject: 'system:serviceaccount:shop:web',
        method: 'serviceaccount',
        namespace: 'shop',
        serviceAccount: 'web',
      },
    });
  });

  it('reuses a positive review for 60 s, synchronously, then asks again', async () => {
    const { authenticator, calls, advance } = setup();
    await authenticator.authenticate(presentedToken(WEB));
    advance(59_999);
    expect(authenticator.authenticate(presentedToken(WEB))).toMatchObject({ kind: 'authenticated' });
    advance(1);
    await authenticator.authenticate(presentedToken(WEB));
    expect(calls).toEqual([WEB, WEB]);
  });

  it('never reuses a review past the token’s expiry', async () => {
    const { authenticator, calls, advance } = setup();
    await authenticator.authenticate(presentedToken(SOON));
    advance(19_999);
    expect(authenticator.authenticate(presentedToken(SOON))).toMatchObject({ kind: 'authenticated' });
    advance(1);
    await authenticator.authenticate(presentedToken(SOON));
    expect(calls).toEqual([SOON, SOON]);
  });

  it('rejects with the operator’s reason and remembers the rejection for 5 s', async () => {
    const { authenticator, calls, advance } = setup();
    expect(await authenticator.authenticate(presentedToken(BAD))).toEqual({
      kind: 'rejected',
      message: 'service-account token rejected: token has been invalidated',
    });
    advance(4_999);
    expect(authenticator.authenticate(presentedToken(BAD))).toMatchObject({ kind: 'rejected' });
    advance(1);
    await authenticator.authenticate(presentedToken(BAD));
    expect(calls).toEqual([BAD, BAD]);
  });

  it('reports an operator that cannot answer as unavailable and does not remember it', async () => {
    const { authenticator, calls } = setup();
    expect(await authenticator.authenticate(presentedToken(DOWN))).toEqual({
      kind: 'unavailable',
      message: 'cannot check the service-account token now: operator UNAVAILABLE: connection refused',
    });
    await authenticator.authenticate(presentedToken(DOWN));
    expect(calls).toEqual([DOWN, DOWN]);
  });

  it('does not send tokens that are not JWTs to the operator', () => {
    const { authenticator, calls } = setup();
    expect(authenticator.authenticate(presentedToken('opaque-token-0123456789'))).toEqual({ kind: 'pass' });
    expect(calls).toEqual([]);
  });
});
