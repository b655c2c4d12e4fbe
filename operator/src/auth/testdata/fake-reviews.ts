// A TokenReview stand-in for unit tests: a table from token to result, counting calls. The real
// API server is exercised by the integration suite in test/src/.
import type { TokenReviewResult } from '../token-review.ts';

export const SHOP_WEB = 'tok-shop-web';
export const SHOP_CHECKOUT = 'tok-shop-checkout';
export const ALICE = 'tok-alice';
export const EXPIRED = 'tok-expired';
export const UNREACHABLE = 'tok-unreachable';

export function serviceAccountResult(
  namespace: string,
  name: string,
  expiresAtMs?: number,
): TokenReviewResult {
  return {
    authenticated: true,
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
    serviceAccount: { namespace, name },
    expiresAtMs,
  };
}

export function fakeReviews(extra: Record<string, TokenReviewResult> = {}) {
  const table: Record<string, TokenReviewResult> = {
    [SHOP_WEB]: serviceAccountResult('shop', 'web', 1_700_000_600_000),
    [SHOP_CHECKOUT]: serviceAccountResult('shop', 'checkout'),
    [ALICE]: { authenticated: true, username: 'alice', groups: [], serviceAccount: undefined },
    [EXPIRED]: { authenticated: false, error: 'service account token has expired' },
    ...extra,
  };
  const calls: string[] = [];
  const review = (token: string): Promise<TokenReviewResult> => {
    calls.push(token);
    if (token === UNREACHABLE) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
    return Promise.resolve(table[token] ?? { authenticated: false, error: 'invalid bearer token' });
  };
  return { review, calls };
}
