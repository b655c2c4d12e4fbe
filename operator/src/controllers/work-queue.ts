// A de-duplicating, rate-limited work queue with client-go / controller-runtime semantics:
// - a key waiting in the queue is stored once, however often it is added;
// - a key is handed to at most one worker at a time; added again while a worker holds it, it is
//   queued once more when that worker calls done() (so the latest state is always processed);
// - failed keys come back after their rate limiter's delay; forget() resets it after a success.
import type { Clock } from '../runtime/clock.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  readonly clock: Clock;
  readonly rateLimiter: RateLimiter<K>;
  /** Told how long (ms) each key waited from being added to being handed to a worker. */
  readonly onWaited?: ((ms: number) => void) | undefined;
}

interface Waiting {
  readonly readyAt: number;
  readonly handle: unknown;
}

export class WorkQueue<K> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  /** Keys ready to be handed out, in order. */
  #queue: K[] = [];
  /** Keys that need processing: queued, or added again while being processed. */
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  /** Keys waiting for a delay to pass before they are added. */
  readonly #waiting = new Map<K, Waiting>();
  /** When each key needing processing was added (the start of its queue latency). */
  readonly #addedAt = new Map<K, number>();
  readonly #onWaited: ((ms: number) => void) | undefined;
  readonly #getters: ((key: K | undefined) => void)[] = [];
  readonly #idle: (() => void)[] = [];
  #shutDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.#clock = options.clock;
    this.#limiter = options.rateLimiter;
    this.#onWaited = options.onWaited;
  }

  /** Marks `key` as needing processing. */
  add(key: K): void {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#onWaited !== undefined && !this.#addedAt.has(key)) this.#addedAt.set(key, this.#clock.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Adds `key` after `delayMs`; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now() + delayMs;
    const waiting = this.#waiting.get(key);
    if (waiting !== undefined) {
      if (waiting.readyAt <= readyAt) return;
      this.#clock.clearTimeout(waiting.handle);
    }
    const handle = this.#clock.setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.#waiting.set(key, { readyAt, handle });
  }

  /** Adds `key` after the delay its rate limiter assigns (one more failure for it). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.#limiter.when(key));
  }

  /** The key was processed successfully: its backoff starts over. */
  forget(key: K): void {
    this.#limiter.forget(key);
  }

  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: K): number {
    return this.#limiter.retries(key);
  }

  /** The next key to process, waiting for one; undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    if (this.#shutDown) return Promise.resolve(undefined);
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** The worker finished `key`; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shutDown) this.#push(key);
    if (this.#processing.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Keys ready to be processed (not counting delayed or in-flight ones). */
  get length(): number {
    return this.#queue.length;
  }

  /** Keys currently held by workers. */
  get inFlight(): number {
    return this.#processing.size;
  }

  get shuttingDown(): boolean {
    return this.#shutDown;
  }

  /** Stops handing out keys (pending get() calls resolve undefined) and drops delayed adds. */
  shutDown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    for (const waiting of this.#waiting.values()) this.#clock.clearTimeout(waiting.handle);
    this.#waiting.clear();
    this.#queue = [];
    this.#addedAt.clear();
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
  }

  /** Resolves when no key is being processed (use after shutDown() to let workers finish). */
  drained(): Promise<void> {
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #push(key: K): void {
    const getter = this.#getters.shift();
    if (getter === undefined) {
      this.#queue.push(key);
      return;
    }
    this.#handOut(key);
    getter(key);
  }

  #take(): K | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#handOut(key);
    return key;
  }

  #handOut(key: K): void {
    this.#dirty.delete(key);
    this.#processing.add(key);
    const addedAt = this.#addedAt.get(key);
    if (addedAt === undefined) return;
    this.#addedAt.delete(key);
    this.#onWaited?.(this.#clock.now() - addedAt);
  }
}
