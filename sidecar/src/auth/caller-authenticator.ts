// The sidecar's `authenticate` hook for --auth=required. The bearer token (Authorization header or
// `authorization` gRPC metadata; "Bearer " or Flipt's "JWT ") is offered to the configured
// authenticators in this order, and the first that claims it decides:
//   1. static tokens from --static-tokens-file (exact match, in memory);
//   2. JWTs from --jwt-issuer, verified against the JWKS (only tokens whose `iss` is that issuer);
//   3. Kubernetes service-account tokens, reviewed by the operator (ReviewToken → TokenReview).
// No or malformed credentials, or a token nobody recognises, is UNAUTHENTICATED (401 / code 16); a
// token that could not be checked now is UNAVAILABLE (503 / code 14). Nothing logged here contains
// the token: log records carry the method and the reason only.
import { parseAuthorization } from '@ensign/core/auth/bearer-token.ts';
import type { ApiError } from '../api/api-error.ts';
import type { AuthRequest, AuthResult, Authenticate } from '../api/auth-hooks.ts';
import type { AuthMetrics } from './auth-metrics.ts';
import { presentedToken } from './token-authenticator.ts';
import type { PresentedToken, TokenAuthenticator, Verdict } from './token-authenticator.ts';

export interface AuthLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CallerAuthenticatorDeps {
  /** In the order they are asked. */
  readonly authenticators: readonly TokenAuthenticator[];
  readonly metrics: AuthMetrics;
  readonly logger: AuthLogger;
}

const UNKNOWN_TOKEN = 'the bearer token is not valid';

export function createCallerAuthenticator(deps: CallerAuthenticatorDeps): Authenticate {
  const unauthenticated = (
    request: AuthRequest,
    method: TokenAuthenticator['method'] | 'none',
    message: string,
  ): AuthResult => {
    deps.metrics.record(method, 'unauthenticated');
    deps.logger.debug({ transport: request.transport, method, reason: message }, 'caller not authenticated');
    return { ok: false, error: { kind: 'UNAUTHENTICATED', message } };
  };

  const decide = (request: AuthRequest, index: number, verdict: Verdict): AuthResult | undefined => {
    const method = deps.authenticators[index]?.method ?? 'none';
    switch (verdict.kind) {
      case 'pass':
        return undefined;
      case 'authenticated':
        deps.metrics.record(method, 'authenticated');
        return { ok: true, principal: verdict.principal };
      case 'rejected':
        return unauthenticated(request, method, verdict.message);
      case 'unavailable': {
        deps.metrics.record(method, 'unavailable');
        deps.logger.warn(
          { transport: request.transport, method, reason: verdict.message },
          'cannot check caller token',
        );
        const error: ApiError = { kind: 'UNAVAILABLE', message: verdict.message };
        return { ok: false, error };
      }
    }
  };

  // Walks the chain synchronously as long as answers are synchronous (static tokens, cache hits).
  const from = (
    request: AuthRequest,
    token: PresentedToken,
    start: number,
  ): AuthResult | Promise<AuthResult> => {
    for (let i = start; i < deps.authenticators.length; i++) {
      const authenticator = deps.authenticators[i];
      if (authenticator === undefined) break;
      const verdict = authenticator.authenticate(token);
      if (verdict instanceof Promise)
        return verdict.then((v) => decide(request, i, v) ?? from(request, token, i + 1));
      const result = decide(request, i, verdict);
      if (result !== undefined) return result;
    }
    return unauthenticated(request, 'none', UNKNOWN_TOKEN);
  };

  return (request) => {
    const bearer = parseAuthorization(request.header('authorization'));
    if (!bearer.ok) return unauthenticated(request, 'none', bearer.message);
    return from(request, presentedToken(bearer.token), 0);
  };
}
