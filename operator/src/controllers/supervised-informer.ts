// A list+watch cache of one kind that never gives up. Per scope (one namespace, a field selector,
// or the whole cluster) a reflector lists, then watches from the list's resourceVersion with
// bookmarks and a server-side timeout, and:
// - restarts with backoff after ANY error (client-node's own informer stops on most of them);
// - relists at once on 410 Gone (the resourceVersion is too old);
// - restarts a watch that has been silent longer than `staleAfterMs` (half-open connections
//   deliver nothing and report nothing). The API server sends a bookmark about every minute once
//   it has seen a write of the kind, and ends every watch at its timeoutSeconds; a watch silent
//   for longer than that has lost its server;
// - relists every `resyncMs` and then asks for everything to be reconciled again.
// Every object is parsed once here, at the boundary; an object that fails to parse is reported
// and its last parsed version (if any) is kept.
import { backoffDelay, type BackoffPolicy } from '../runtime/backoff.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Issue, ParseResult } from '../api/parse.ts';
import { describeKubeError, HTTP_GONE, type KubeError } from '../kube/kube-result.ts';
import type { ListWatchApi, RawWatchEvent, WatchStream } from '../kube/kube-client.ts';
import type { ResourceType } from '../kube/resource-type.ts';

export interface InformerObject {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string | undefined;
    readonly resourceVersion?: string | undefined;
  };
}

export interface InformerScope {
  /** List and watch in this namespace only (namespaced kinds). */
  readonly namespace?: string | undefined;
  /** e.g. `metadata.name=shop`: a cluster-scoped kind limited to some names. */
  readonly fieldSelector?: string | undefined;
}

export type InformerEvent<T> =
  | { readonly type: 'upsert'; readonly object: T; readonly previous: T | undefined }
  | { readonly type: 'delete'; readonly object: T }
  /** A periodic relist finished: everything should be reconciled again. */
  | { readonly type: 'resync' };

export interface InvalidObject {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly issues: readonly Issue[];
}

export interface InformerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export type RestartCause = 'error' | 'gone' | 'stale' | 'resync';

export interface SupervisedInformerOptions<T extends InformerObject> {
  readonly type: ResourceType;
  readonly api: ListWatchApi;
  readonly parse: (raw: unknown) => ParseResult<T>;
  /** `[{}]` for the whole cluster. */
  readonly scopes: readonly InformerScope[];
  readonly onEvent: (event: InformerEvent<T>) => void;
  readonly onInvalid?: ((invalid: InvalidObject) => void) | undefined;
  /** Every restart of a list or watch, for logs and metrics. */
  readonly onRestart?: ((cause: RestartCause, error: KubeError | undefined) => void) | undefined;
  readonly logger: InformerLogger;
  readonly clock: Clock;
  readonly backoff: BackoffPolicy;
  readonly staleAfterMs: number;
  /** 0 disables periodic resync. */
  readonly resyncMs: number;
  /** The server-side timeout of each watch (jitter it so replicas do not reconnect together). */
  readonly watchTimeoutSeconds: () => number;
  readonly pageSize?: number | undefined;
}

export const DEFAULT_INFORMER_TIMING = {
  /** Longer than the longest watch timeout the controller asks for (290 s), so it never fires on a healthy but quiet watch. */
  staleAfterMs: 330_000,
  resyncMs: 10 * 60_000,
  backoff: { initialMs: 500, maxMs: 30_000 },
  pageSize: 500,
} as const;

/** A clean end of a watch this soon, with no events, counts as an error (backoff before retrying). */
const SHORT_WATCH_MS = 1_000;

interface Entry<T> {
  readonly object: T;
  readonly scope: number;
}

type WatchOutcome =
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly error: KubeError }
  | { readonly kind: 'gone'; readonly error: KubeError }
  | { readonly kind: 'stale' }
  | { readonly kind: 'resync' }
  | { readonly kind: 'stopped' };

export class SupervisedInformer<T extends InformerObject> {
  readonly #options: SupervisedInformerOptions<T>;
  /** namespace ('' for cluster-scoped) → name → entry. */
  readonly #cache = new Map<string, Map<string, Entry<T>>>();
  readonly #synced: boolean[];
  readonly #resyncWanted: boolean[];
  readonly #streams = new Map<number, WatchStream>();
  readonly #syncWaiters: (() => void)[] = [];
  readonly #sleepers = new Set<{ handle: unknown; resolve: () => void }>();
  #runs: Promise<void>[] = [];
  #resyncTimer: unknown;
  #stopped = false;
  #lastEventAt = 0;

  constructor(options: SupervisedInformerOptions<T>) {
    if (options.scopes.length === 0) throw new Error('an informer needs at least one scope');
    this.#options = options;
    this.#synced = options.scopes.map(() => false);
    this.#resyncWanted = options.scopes.map(() => false);
  }

  get kind(): string {
    return this.#options.type.kind;
  }

  /** Starts every scope's reflector; returns at once (see waitForSync). */
  start(): void {
    this.#lastEventAt = this.#options.clock.now();
    this.#runs = this.#options.scopes.map((_, i) => this.#run(i));
    this.#scheduleResync();
  }

  /** Stops watching; the cache keeps its contents. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#options.clock.clearTimeout(this.#resyncTimer);
    for (const stream of this.#streams.values()) stream.abort();
    for (const sleeper of this.#sleepers) {
      this.#options.clock.clearTimeout(sleeper.handle);
      sleeper.resolve();
    }
    await Promise.all(this.#runs);
  }

  /** True once every scope has been listed. */
  get synced(): boolean {
    return this.#synced.every(Boolean);
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** When the last list or watch event (bookmarks included) arrived, in clock ms. */
  get lastEventAt(): number {
    return this.#lastEventAt;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#cache.get(namespace ?? '')?.get(name)?.object;
  }

  /** Objects in `namespace` ('' or undefined: cluster-scoped objects). */
  list(namespace: string | undefined): T[] {
    return [...(this.#cache.get(namespace ?? '')?.values() ?? [])].map((e) => e.object);
  }

  /** Namespaces that hold at least one object. */
  namespaces(): string[] {
    return [...this.#cache.keys()];
  }

  get size(): number {
    let n = 0;
    for (const byName of this.#cache.values()) n += byName.size;
    return n;
  }

  async #run(scope: number): Promise<void> {
    let resourceVersion: string | undefined;
    let attempt = 0;
    let relistIsResync = false;
    while (!this.#stopped) {
      if (resourceVersion === undefined) {
        const listed = await this.#listAll(scope);
        if (this.#isStopped()) return;
        if (!listed.ok) {
          this.#restarting(scope, 'error', listed.error, 'list failed');
          await this.#sleep(backoffDelay(attempt++, this.#backoff()));
          continue;
        }
        this.#replace(scope, listed.items);
        resourceVersion = listed.resourceVersion;
        attempt = 0;
        this.#markSynced(scope);
        if (this.#resyncWanted[scope] === true) {
          this.#resyncWanted[scope] = false; // this list is the resync
          relistIsResync = true;
        }
        if (relistIsResync) this.#options.onEvent({ type: 'resync' });
        relistIsResync = false;
      }
      const watched = await this.#watch(scope, resourceVersion, () => (attempt = 0));
      resourceVersion = watched.resourceVersion;
      const outcome = watched.outcome;
      switch (outcome.kind) {
        case 'stopped':
          return;
        case 'closed':
          continue;
        case 'gone':
          this.#restarting(scope, 'gone', outcome.error, 'watch expired; relisting');
          resourceVersion = undefined;
          continue;
        case 'resync':
          this.#options.onRestart?.('resync', undefined);
          resourceVersion = undefined;
          relistIsResync = true;
          continue;
        case 'stale':
          this.#restarting(scope, 'stale', undefined, 'watch silent for too long; restarting it');
          await this.#sleep(backoffDelay(attempt++, this.#backoff()));
          continue;
        case 'error':
          this.#restarting(scope, 'error', outcome.error, 'watch failed; restarting it');
          await this.#sleep(backoffDelay(attempt++, this.#backoff()));
          continue;
      }
    }
  }

  async #listAll(
    scope: number,
  ): Promise<{ ok: true; items: unknown[]; resourceVersion: string } | { ok: false; error: KubeError }> {
    const { namespace, fieldSelector } = this.#options.scopes[scope] ?? {};
    const items: unknown[] = [];
    let next: string | undefined;
    for (;;) {
      const page = await this.#options.api.list(this.#options.type, {
        namespace,
        fieldSelector,
        limit: this.#options.pageSize ?? DEFAULT_INFORMER_TIMING.pageSize,
        continue: next,
      });
      if (!page.ok) return page;
      this.#lastEventAt = this.#options.clock.now();
      items.push(...page.value.items);
      next = page.value.continue;
      if (next === undefined) return { ok: true, items, resourceVersion: page.value.resourceVersion };
    }
  }

  async #watch(
    scope: number,
    from: string,
    onProgress: () => void,
  ): Promise<{ resourceVersion: string; outcome: WatchOutcome }> {
    const { namespace, fieldSelector } = this.#options.scopes[scope] ?? {};
    const { clock } = this.#options;
    let resourceVersion = from;
    let ending: WatchOutcome | undefined;
    let watchdog: unknown;
    let events = 0;
    const startedAt = clock.now();
    const stream = this.#options.api.watch(
      this.#options.type,
      {
        namespace,
        fieldSelector,
        resourceVersion: from,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#options.watchTimeoutSeconds(),
      },
      (event) => {
        if (ending !== undefined) return;
        events++;
        this.#lastEventAt = clock.now();
        armWatchdog();
        onProgress();
        resourceVersion = this.#apply(scope, event) ?? resourceVersion;
      },
    );
    const end = (outcome: WatchOutcome): void => {
      if (ending !== undefined) return;
      ending = outcome;
      stream.abort();
    };
    const armWatchdog = (): void => {
      clock.clearTimeout(watchdog);
      watchdog = clock.setTimeout(() => {
        end({ kind: 'stale' });
      }, this.#options.staleAfterMs);
    };
    this.#streams.set(scope, stream);
    armWatchdog();
    if (this.#resyncWanted[scope] === true) end({ kind: 'resync' });
    const result = await stream.done;
    clock.clearTimeout(watchdog);
    this.#streams.delete(scope);
    if (this.#stopped) return { resourceVersion, outcome: { kind: 'stopped' } };
    if (this.#resyncWanted[scope] === true) {
      this.#resyncWanted[scope] = false;
      return { resourceVersion, outcome: { kind: 'resync' } };
    }
    if (ending !== undefined) return { resourceVersion, outcome: ending };
    if (result.ok && events === 0 && clock.now() - startedAt < SHORT_WATCH_MS) {
      // As client-go does: a server that keeps closing watches at once must not be hammered.
      const error = {
        code: 0,
        reason: 'ShortWatch',
        message: 'the watch ended within a second with no events',
      };
      return { resourceVersion, outcome: { kind: 'error', error } };
    }
    if (result.ok) return { resourceVersion, outcome: { kind: 'closed' } };
    const outcome: WatchOutcome =
      result.error.code === HTTP_GONE
        ? { kind: 'gone', error: result.error }
        : { kind: 'error', error: result.error };
    return { resourceVersion, outcome };
  }

  /** Applies one watch event to the cache; returns the resourceVersion it carries. */
  #apply(scope: number, event: RawWatchEvent): string | undefined {
    const meta = metadataOf(event.object);
    if (event.type === 'BOOKMARK') return meta?.resourceVersion;
    if (meta === undefined) return undefined;
    if (event.type === 'DELETED') {
      this.#remove(meta.namespace, meta.name);
      return meta.resourceVersion;
    }
    const parsed = this.#parse(event.object, meta);
    if (parsed !== undefined) this.#upsert(scope, parsed);
    return meta.resourceVersion;
  }

  /** A full list of one scope: objects missing from it are deleted, new or changed ones upserted. */
  #replace(scope: number, items: readonly unknown[]): void {
    const present = new Set<string>();
    for (const item of items) {
      const meta = metadataOf(item);
      if (meta === undefined) continue;
      present.add(cacheKey(meta.namespace, meta.name));
      const parsed = this.#parse(item, meta);
      if (parsed !== undefined) this.#upsert(scope, parsed);
    }
    for (const [namespace, byName] of [...this.#cache]) {
      for (const [name, entry] of [...byName]) {
        if (entry.scope === scope && !present.has(cacheKey(namespace, name))) this.#remove(namespace, name);
      }
    }
  }

  #parse(raw: unknown, meta: Meta): T | undefined {
    const result = this.#options.parse(raw);
    if (result.ok) return result.value;
    const invalid = { kind: this.kind, namespace: meta.namespace, name: meta.name, issues: result.issues };
    this.#options.logger.warn(
      invalid,
      'object from the API server does not parse; keeping its last parsed version',
    );
    this.#options.onInvalid?.(invalid);
    return undefined;
  }

  #upsert(scope: number, object: T): void {
    const namespace = object.metadata.namespace ?? '';
    let byName = this.#cache.get(namespace);
    if (byName === undefined) {
      byName = new Map();
      this.#cache.set(namespace, byName);
    }
    const previous = byName.get(object.metadata.name)?.object;
    byName.set(object.metadata.name, { object, scope });
    const unchanged =
      previous !== undefined &&
      previous.metadata.resourceVersion !== undefined &&
      previous.metadata.resourceVersion === object.metadata.resourceVersion;
    if (!unchanged) this.#options.onEvent({ type: 'upsert', object, previous });
  }

  #remove(namespace: string | undefined, name: string): void {
    const byName = this.#cache.get(namespace ?? '');
    const entry = byName?.get(name);
    if (byName === undefined || entry === undefined) return;
    byName.delete(name);
    if (byName.size === 0) this.#cache.delete(namespace ?? '');
    this.#options.onEvent({ type: 'delete', object: entry.object });
  }

  #markSynced(scope: number): void {
    if (this.#synced[scope] === true) return;
    this.#synced[scope] = true;
    if (this.synced) for (const resolve of this.#syncWaiters.splice(0)) resolve();
  }

  #restarting(scope: number, cause: RestartCause, error: KubeError | undefined, msg: string): void {
    const fields = {
      kind: this.kind,
      scope: this.#options.scopes[scope],
      ...(error === undefined ? {} : { error: describeKubeError(error) }),
    };
    if (cause === 'gone') this.#options.logger.info(fields, msg);
    else this.#options.logger.warn(fields, msg);
    this.#options.onRestart?.(cause, error);
  }

  #scheduleResync(): void {
    const { resyncMs, clock } = this.#options;
    if (resyncMs <= 0 || this.#stopped) return;
    this.#resyncTimer = clock.setTimeout(() => {
      this.#options.scopes.forEach((_, i) => {
        this.#resyncWanted[i] = true;
        this.#streams.get(i)?.abort();
      });
      this.#scheduleResync();
    }, resyncMs);
  }

  /** A method, not the field, so the compiler does not assume it unchanged across an await. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  #backoff(): BackoffPolicy {
    return this.#options.backoff;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        handle: undefined as unknown,
        resolve: () => {
          this.#sleepers.delete(sleeper);
          resolve();
        },
      };
      sleeper.handle = this.#options.clock.setTimeout(sleeper.resolve, ms);
      this.#sleepers.add(sleeper);
    });
  }
}

interface Meta {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly resourceVersion: string | undefined;
}

/** The identity fields of a raw API object, read without trusting its shape. */
function metadataOf(raw: unknown): Meta | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const metadata = (raw as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { name, namespace, resourceVersion } = metadata as Record<string, unknown>;
  return {
    name: typeof name === 'string' ? name : '',
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
    resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : undefined,
  };
}

function cacheKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
