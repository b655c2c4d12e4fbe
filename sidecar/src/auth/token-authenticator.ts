// One way of recognising a caller's bearer token. The caller authenticator asks each in turn; the
// first that claims the token decides. `pass` means "not one of mine", so the next one is asked.
import type { Principal } from '../api/auth-hooks.ts';

export type AuthMethod = NonNullable<Principal['method']>;

export type Verdict =
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  /** The token is of this method's kind and is not valid (401). */
  | { readonly kind: 'rejected'; readonly message: string }
  /** The token could not be checked right now (503); the caller may retry. */
  | { readonly kind: 'unavailable'; readonly message: string }
  | { readonly kind: 'pass' };

export interface TokenAuthenticator {
  readonly method: AuthMethod;
  /** Answers synchronously when it can (cached or in-memory checks). Never throws. */
  authenticate(token: string): Verdict | Promise<Verdict>;
}

export const PASS: Verdict = { kind: 'pass' };
