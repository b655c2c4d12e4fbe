// JWTs from one issuer, verified with `jose` against a JWKS: signature, `iss`, `aud`, `exp` and
// `nbf`. Only tokens whose (unverified) `iss` names the configured issuer are claimed; others pass
// to the next authenticator, so Kubernetes tokens still reach the operator's review. Results are
// cached like token reviews (≤ 60 s, never past `exp`; failures 5 s), keyed by SHA-256.
import { errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { ReviewCache } from '@ensign/core/auth/review-cache.ts';
import { readUnverifiedClaims } from '@ensign/core/auth/unverified-jwt.ts';
import type { Principal } from '../api/auth-hooks.ts';
import { principalFromClaims } from './jwt-principal.ts';
import type { JwtClaimNames } from './jwt-principal.ts';
import { PASS } from './token-authenticator.ts';
import type { TokenAuthenticator, Verdict } from './token-authenticator.ts';

export interface JwtAuthenticatorOptions {
  /** jose key resolver: createLocalJWKSet or createRemoteJWKSet (see jwks-source.ts). */
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  readonly claims: JwtClaimNames;
  readonly now: () => number;
  /** Default 30 s of clock skew. */
  readonly clockToleranceSec?: number;
  /** Default 1,000 tokens. */
  readonly cacheEntries?: number;
}

type Checked =
  | { readonly authenticated: true; readonly principal: Principal; readonly expiresAtMs: number | undefined }
  | { readonly authenticated: false; readonly message: string };

/** Failures that say nothing about the token: the key set could not be fetched. */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return error.code === 'ERR_JWKS_TIMEOUT' || error.code === 'ERR_JOSE_GENERIC';
}

export function createJwtAuthenticator(options: JwtAuthenticatorOptions): TokenAuthenticator {
  const verify = async (token: string): Promise<Checked> => {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        currentDate: new Date(options.now()),
        clockTolerance: options.clockToleranceSec ?? 30,
      });
      return {
        authenticated: true,
        principal: principalFromClaims(payload, options.claims),
        expiresAtMs: payload.exp === undefined ? undefined : payload.exp * 1000,
      };
    } catch (error) {
      if (isUnavailable(error)) throw error;
      return { authenticated: false, message: `JWT rejected: ${(error as Error).message}` };
    }
  };
  const cache = new ReviewCache<Checked>({
    review: verify,
    now: options.now,
    maxEntries: options.cacheEntries ?? 1_000,
  });

  const toVerdict = (checked: Checked): Verdict =>
    checked.authenticated
      ? { kind: 'authenticated', principal: checked.principal }
      : { kind: 'rejected', message: checked.message };

  return {
    method: 'jwt',
    authenticate(token) {
      // A cache hit needs no parsing: only tokens of our issuer are ever cached.
      const hit = cache.peek(token.digest);
      if (hit !== undefined) return toVerdict(hit);
      if (readUnverifiedClaims(token.value)?.iss !== options.issuer) return PASS;
      const checked = cache.review(token.value, token.digest);
      if (!(checked instanceof Promise)) return toVerdict(checked);
      return checked.then(toVerdict, (error: unknown) => ({
        kind: 'unavailable',
        message: `cannot verify the JWT now: the key set is unavailable (${error instanceof Error ? error.message : 'unknown error'})`,
      }));
    },
  };
}
