// One way of recognising a caller's bearer token. The caller authenticator asks each in turn; the
// first that claims the token decides. `pass` means "not one of mine", so the next one is asked.
import { tokenDigest } from '@ensign/core/auth/token-digest.ts';
import type { Principal } from '../api/auth-hooks.ts';

export type AuthMethod = NonNullable<Principal['method']>;

export type Verdict =
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  /** The token is of this method's kind and is not valid (401). */
  | { readonly kind: 'rejected'; readonly message: string }
  /** The token could not be checked right now (503); the caller may retry. */
  | { readonly kind: 'unavailable'; readonly message: string }
  | { readonly kind: 'pass' };

/** A caller's bearer token with its SHA-256 (tokenDigest), computed once per request. */
export interface PresentedToken {
  readonly value: string;
  readonly digest: string;
}

export interface TokenAuthenticator {
  readonly method: AuthMethod;
  /** Answers synchronously when it can (cached or in-memory checks). Never throws. */
  authenticate(token: PresentedToken): Verdict | Promise<Verdict>;
}

export const PASS: Verdict = { kind: 'pass' };

export function presentedToken(value: string): PresentedToken {
  return { value, digest: tokenDigest(value) };
}
