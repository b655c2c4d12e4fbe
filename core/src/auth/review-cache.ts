// Token-review results reused for a short while: positive ones at most `positiveTtlMs` and never
// past the token's expiry, negative ones briefly (a caller retrying a bad token does not turn into
// an API-server request each time), failures to review not at all. Keyed by SHA-256 of the token;
// identical reviews in flight are collapsed into one.
import { tokenDigest } from './token-digest.ts';
import { TtlLruCache } from './ttl-lru-cache.ts';

/** What the cache needs to know about a review result to decide how long to keep it. */
export interface ReviewLifetime {
  readonly authenticated: boolean;
  /** When the reviewed token expires, ms since the epoch; undefined when it does not say. */
  readonly expiresAtMs?: number | undefined;
}

export interface ReviewCacheLimits {
  readonly positiveTtlMs: number;
  readonly negativeTtlMs: number;
}

export const DEFAULT_REVIEW_CACHE_LIMITS: ReviewCacheLimits = { positiveTtlMs: 60_000, negativeTtlMs: 5_000 };

/** How long, from `now`, a result may be reused; 0 means not at all. */
export function reviewTtlMs(result: ReviewLifetime, now: number, limits: ReviewCacheLimits): number {
  if (!result.authenticated) return Math.max(0, limits.negativeTtlMs);
  const untilExpiry = result.expiresAtMs === undefined ? Infinity : result.expiresAtMs - now;
  return Math.max(0, Math.min(limits.positiveTtlMs, untilExpiry));
}

export interface ReviewCacheOptions<R extends ReviewLifetime> {
  /** Reviews a token for real. A rejection means "could not review" and is never cached. */
  readonly review: (token: string) => Promise<R>;
  readonly now: () => number;
  readonly maxEntries: number;
  readonly limits?: ReviewCacheLimits;
}

export class ReviewCache<R extends ReviewLifetime> {
  readonly #options: ReviewCacheOptions<R>;
  readonly #limits: ReviewCacheLimits;
  readonly #cache: TtlLruCache<R>;
  readonly #inFlight = new Map<string, Promise<R>>();

  constructor(options: ReviewCacheOptions<R>) {
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_REVIEW_CACHE_LIMITS;
    this.#cache = new TtlLruCache<R>(options.maxEntries);
  }

  /** The cached result for a token digest (tokenDigest), if there is a live one. */
  peek(digest: string): R | undefined {
    return this.#cache.get(digest, this.#options.now());
  }

  /**
   * The cached result synchronously when there is one, else a promise of a fresh review. Pass the
   * token's digest when it is already known, so a request hashes its token once.
   */
  review(token: string, digest: string = tokenDigest(token)): R | Promise<R> {
    const key = digest;
    const cached = this.#cache.get(key, this.#options.now());
    if (cached !== undefined) return cached;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const fresh = this.#options.review(token).then(
      (result) => {
        this.#inFlight.delete(key);
        const now = this.#options.now();
        const ttl = reviewTtlMs(result, now, this.#limits);
        if (ttl > 0) this.#cache.set(key, result, now + ttl);
        return result;
      },
      (error: unknown) => {
        this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, fresh);
    return fresh;
  }
}
