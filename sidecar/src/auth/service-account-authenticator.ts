// Kubernetes service-account tokens, reviewed by the operator (which holds the TokenReview RBAC;
// applications need none) with audience "ensign" required there. Only JWT-shaped tokens are sent:
// anything else cannot be a service-account token. Results are cached here as well: ≤ 60 s and
// never past the token's expiry, rejections 5 s, failures to review not at all.
import { ReviewCache } from '@ensign/core/auth/review-cache.ts';
import { readUnverifiedClaims } from '@ensign/core/auth/unverified-jwt.ts';
import type { Principal } from '../api/auth-hooks.ts';
import type { OperatorReview } from './operator-review-client.ts';
import { PASS } from './token-authenticator.ts';
import type { TokenAuthenticator, Verdict } from './token-authenticator.ts';

export interface ServiceAccountAuthenticatorDeps {
  /** OperatorReviewClient.review; rejects when the operator cannot answer. */
  readonly review: (token: string) => Promise<OperatorReview>;
  readonly now: () => number;
  /** Default 1,000 tokens. */
  readonly cacheEntries?: number;
}

export function principalFromReview(review: Extract<OperatorReview, { authenticated: true }>): Principal {
  return {
    subject: review.username,
    method: 'serviceaccount',
    ...(review.namespace === '' ? {} : { namespace: review.namespace }),
    ...(review.namespace === '' || review.serviceAccount === ''
      ? {}
      : { serviceAccount: review.serviceAccount }),
  };
}

function toVerdict(review: OperatorReview): Verdict {
  return review.authenticated
    ? { kind: 'authenticated', principal: principalFromReview(review) }
    : { kind: 'rejected', message: `service-account token rejected: ${review.error}` };
}

export function createServiceAccountAuthenticator(deps: ServiceAccountAuthenticatorDeps): TokenAuthenticator {
  const cache = new ReviewCache<OperatorReview>({
    review: deps.review,
    now: deps.now,
    maxEntries: deps.cacheEntries ?? 1_000,
  });
  return {
    method: 'serviceaccount',
    authenticate(token) {
      const hit = cache.peek(token.digest);
      if (hit !== undefined) return toVerdict(hit);
      if (readUnverifiedClaims(token.value) === undefined) return PASS;
      const reviewed = cache.review(token.value, token.digest);
      if (!(reviewed instanceof Promise)) return toVerdict(reviewed);
      return reviewed.then(toVerdict, (error: unknown) => ({
        kind: 'unavailable',
        message: `cannot check the service-account token now: ${error instanceof Error ? error.message : 'unknown error'}`,
      }));
    },
  };
}
