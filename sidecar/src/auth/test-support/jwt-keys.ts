// A locally generated signing key and its JWKS, and a signer of test JWTs with chosen claims.
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';

export const ISSUER = 'https://issuer.example';
export const AUDIENCE = 'ensign';
/** 2025-01-01T00:00:00Z in seconds. */
export const NOW_SEC = 1_735_689_600;

export interface TestSigner {
  readonly jwks: JSONWebKeySet;
  sign(
    claims: JWTPayload,
    options?: { expiresInSec?: number; issuer?: string; audience?: string },
  ): Promise<string>;
}

export async function testSigner(kid = 'key-1'): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(NOW_SEC - 10)
        .setExpirationTime(NOW_SEC + (options.expiresInSec ?? 600))
        .sign(privateKey),
  };
}
