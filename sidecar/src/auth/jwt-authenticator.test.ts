import { createLocalJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtAuthenticator } from './jwt-authenticator.ts';
import { AUDIENCE, ISSUER, NOW_SEC, testSigner } from './test-support/jwt-keys.ts';
import { presentedToken } from './token-authenticator.ts';

const claims = {
  sub: 'system:serviceaccount:shop:web',
  'kubernetes.io': { namespace: 'shop', serviceaccount: { name: 'web' } },
};

async function setup(keys?: JWTVerifyGetKey) {
  const signer = await testSigner();
  let now = NOW_SEC * 1000;
  const authenticator = createJwtAuthenticator({
    keys: keys ?? createLocalJWKSet(signer.jwks),
    issuer: ISSUER,
    audience: AUDIENCE,
    claims: {},
    now: () => now,
    clockToleranceSec: 0,
  });
  return {
    signer,
    authenticator,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('createJwtAuthenticator', () => {
  it('verifies a JWT from the issuer against the JWKS and maps its claims', async () => {
    const { signer, authenticator } = await setup();
    expect(await authenticator.authenticate(presentedToken(await signer.sign(claims)))).toEqual({
      kind: 'authenticated',
      principal: {
        subject: 'system:serviceaccount:shop:web',
        method: 'jwt',
        namespace: 'shop',
        serviceAccount: 'web',
      },
    });
  });

  it('answers a repeated token synchronously from its cache until the token expires', async () => {
    const { signer, authenticator, advance } = await setup();
    const token = await signer.sign(claims, { expiresInSec: 30 });
    await authenticator.authenticate(presentedToken(token));
    expect(authenticator.authenticate(presentedToken(token))).toMatchObject({ kind: 'authenticated' });
    advance(30_000);
    expect(await authenticator.authenticate(presentedToken(token))).toMatchObject({ kind: 'rejected' });
  });

  it.each([
    ['an expired token', { expiresInSec: -1 }, /JWT rejected: "exp" claim timestamp check failed/],
    ['another audience', { audience: 'vault' }, /JWT rejected: unexpected "aud" claim value/],
  ])('rejects %s', async (_what, options, message) => {
    const { signer, authenticator } = await setup();
    const verdict = await authenticator.authenticate(presentedToken(await signer.sign(claims, options)));
    expect(verdict).toMatchObject({ kind: 'rejected', message: expect.stringMatching(message) as string });
  });

  it('rejects a token from the issuer signed by a key the JWKS does not hold', async () => {
    const { authenticator } = await setup();
    const impostor = await testSigner('key-1');
    const verdict = await authenticator.authenticate(presentedToken(await impostor.sign(claims)));
    expect(verdict).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/signature verification failed/) as string,
    });
  });

  it('passes tokens of other issuers and tokens that are not JWTs to the next authenticator', async () => {
    const { signer, authenticator } = await setup();
    expect(
      await authenticator.authenticate(
        presentedToken(await signer.sign(claims, { issuer: 'https://kubernetes.default.svc' })),
      ),
    ).toEqual({ kind: 'pass' });
    expect(await authenticator.authenticate(presentedToken('opaque-static-token-value'))).toEqual({
      kind: 'pass',
    });
  });

  it('reports a key set that cannot be fetched as unavailable, not as a bad token', async () => {
    const signer = await testSigner();
    const { authenticator } = await setup(() => Promise.reject(new TypeError('fetch failed')));
    expect(await authenticator.authenticate(presentedToken(await signer.sign(claims)))).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/key set is unavailable \(fetch failed\)/) as string,
    });
  });
});
