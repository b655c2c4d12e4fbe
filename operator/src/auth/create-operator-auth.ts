// One cached TokenReview shared by the sync authorizer (sidecars subscribing) and the ReviewToken
// RPC (applications' tokens reviewed for sidecars): up to 60 s per positive result and never past
// the token's expiry, 5 s for a rejection, bounded in size, keyed by SHA-256 of the token.
import type * as grpc from '@grpc/grpc-js';
import type { ReviewTokenRequest, ReviewTokenResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { ReviewCache } from '@ensign/core/auth/review-cache.ts';
import type { ReviewCacheLimits } from '@ensign/core/auth/review-cache.ts';
import type { TokenReviewer } from './create-token-reviewer.ts';
import { createReviewTokenHandler } from './review-token-handler.ts';
import type { ReviewTokenLogger } from './review-token-handler.ts';
import { createSyncAuthorizer } from './sync-authorizer.ts';
import type { SyncAuthorize } from './sync-authorizer.ts';
import type { TokenReviewResult } from './token-review.ts';
import type { AccessOf } from './watch-access.ts';

export interface OperatorAuthDeps {
  /** createTokenReviewer(kubeConfig) in a cluster. */
  readonly review: TokenReviewer;
  readonly accessOf: AccessOf;
  readonly logger: ReviewTokenLogger;
  readonly now: () => number;
  /** Default 10,000 tokens. */
  readonly cacheEntries?: number;
  readonly cacheLimits?: ReviewCacheLimits;
}

export interface OperatorAuth {
  /** For addSyncService's `authorize`. */
  readonly authorize: SyncAuthorize;
  /** For addSyncService's `reviewToken`. */
  readonly reviewToken: grpc.handleUnaryCall<ReviewTokenRequest, ReviewTokenResponse>;
}

export function createOperatorAuth(deps: OperatorAuthDeps): OperatorAuth {
  const cache = new ReviewCache<TokenReviewResult>({
    review: deps.review,
    now: deps.now,
    maxEntries: deps.cacheEntries ?? 10_000,
    ...(deps.cacheLimits === undefined ? {} : { limits: deps.cacheLimits }),
  });
  const reviewToken = (token: string) => cache.review(token);
  return {
    authorize: createSyncAuthorizer({ reviewToken, accessOf: deps.accessOf }),
    reviewToken: createReviewTokenHandler({ reviewToken, logger: deps.logger }),
  };
}
