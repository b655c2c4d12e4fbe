// How long a key waits before it is retried. The controller default is client-go's: the larger of a
// per-key exponential backoff (5 ms doubling to 1000 s, so one broken namespace backs off alone)
// and an overall token bucket (10 per second, burst 100, so many failing namespaces cannot flood
// the API server together).

export interface RateLimiter<K> {
  /** The delay (ms) before `key` may be processed again; counts one more failure for it. */
  when(key: K): number;
  /** The key succeeded: its failure count starts over. */
  forget(key: K): void;
  /** Failures counted for `key` since it was last forgotten. */
  retries(key: K): number;
}

export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<K, number>();

  constructor(baseMs: number, maxMs: number) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(key: K): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures, 52));
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  retries(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** A token bucket shared by all keys: each `when` reserves one token and waits until it exists. */
export class TokenBucketRateLimiter<K> implements RateLimiter<K> {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(perSecond: number, burst: number, now: () => number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  when(_key: K): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#perSecond) * 1000);
  }

  forget(_key: K): void {
    // The bucket is shared; a single key's success does not refill it.
  }

  retries(_key: K): number {
    return 0;
  }
}

/** The longest delay any of the limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(key: K): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: K): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  retries(key: K): number {
    let retries = 0;
    for (const limiter of this.#limiters) retries = Math.max(retries, limiter.retries(key));
    return retries;
  }
}

export const DEFAULT_ITEM_BASE_MS = 5;
export const DEFAULT_ITEM_MAX_MS = 1_000_000;
export const DEFAULT_BUCKET_PER_SECOND = 10;
export const DEFAULT_BUCKET_BURST = 100;

/** client-go's DefaultControllerRateLimiter. */
export function defaultControllerRateLimiter<K>(now: () => number): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialRateLimiter(DEFAULT_ITEM_BASE_MS, DEFAULT_ITEM_MAX_MS),
    new TokenBucketRateLimiter(DEFAULT_BUCKET_PER_SECOND, DEFAULT_BUCKET_BURST, now),
  );
}
