// ReviewToken: a sidecar has the operator check an application caller's token, because the
// operator holds the TokenReview RBAC and applications need none. Only authenticated sidecars may
// ask (their own token is reviewed first), so the operator is not an open token oracle.
import * as grpc from '@grpc/grpc-js';
import { ReviewTokenResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { ReviewTokenRequest } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { isBearerTokenSyntax } from '@ensign/core/auth/bearer-token.ts';
import { authenticateSidecar } from './authenticate-sidecar.ts';
import type { ReviewToken } from './authenticate-sidecar.ts';
import type { TokenReviewResult } from './token-review.ts';

export interface ReviewTokenLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ReviewTokenHandlerDeps {
  /** Cached TokenReview, shared with the sync authorizer. */
  readonly reviewToken: ReviewToken;
  readonly logger: ReviewTokenLogger;
}

export function toReviewTokenResponse(result: TokenReviewResult): ReviewTokenResponse {
  if (!result.authenticated)
    return ReviewTokenResponse.fromPartial({ authenticated: false, error: result.error });
  return ReviewTokenResponse.fromPartial({
    authenticated: true,
    username: result.username,
    namespace: result.serviceAccount?.namespace ?? '',
    serviceAccount: result.serviceAccount?.name ?? '',
    groups: [...result.groups],
    expiresAt: result.expiresAtMs === undefined ? 0 : Math.floor(result.expiresAtMs / 1000),
  });
}

export function createReviewTokenHandler(
  deps: ReviewTokenHandlerDeps,
): grpc.handleUnaryCall<ReviewTokenRequest, ReviewTokenResponse> {
  type Answer =
    | { readonly response: ReviewTokenResponse }
    | { readonly error: { readonly code: grpc.status; readonly details: string } };
  const refuse = (code: grpc.status, details: string): Answer => ({ error: { code, details } });
  const run = async (
    call: grpc.ServerUnaryCall<ReviewTokenRequest, ReviewTokenResponse>,
  ): Promise<Answer> => {
    const caller = await authenticateSidecar(call.metadata, deps.reviewToken);
    if (!caller.ok) {
      deps.logger.warn({ reason: caller.message }, 'ReviewToken refused');
      return refuse(caller.code, caller.message);
    }
    const token = call.request.token;
    if (!isBearerTokenSyntax(token))
      return refuse(grpc.status.INVALID_ARGUMENT, 'token must be a non-empty bearer token');
    let result: TokenReviewResult;
    try {
      result = await deps.reviewToken(token);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      deps.logger.warn({ sidecar: caller.identity.username, reason }, 'ReviewToken could not review');
      return refuse(grpc.status.UNAVAILABLE, `cannot review the token now (${reason})`);
    }
    deps.logger.debug(
      { sidecar: caller.identity.username, authenticated: result.authenticated },
      'ReviewToken answered',
    );
    return { response: toReviewTokenResponse(result) };
  };
  return (call, callback) => {
    run(call).then(
      (answer) => {
        if ('error' in answer) callback(answer.error);
        else callback(null, answer.response);
      },
      (error: unknown) => {
        deps.logger.warn({ err: String(error) }, 'ReviewToken failed');
        callback({ code: grpc.status.INTERNAL, details: 'ReviewToken failed' });
      },
    );
  };
}
