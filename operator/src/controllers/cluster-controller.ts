// The Kubernetes source of the operator: three supervised informers (Flag, Segment,
// FlagNamespace) feed a work queue keyed by namespace; workers run the namespace reconciler.
// Start-up order matters: every cache must be synced before the first compile (a Flag compiled
// before its Segments are listed would look broken), and every namespace must be published before
// the hub is marked synced (or a sidecar could be sent an empty rule set for a namespace that has
// flags).
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { parseFlag, parseFlagNamespace, parseSegment, type ParseResult } from '../api/parse.ts';
import type { Flag } from '../api/flag.ts';
import type { FlagNamespace } from '../api/flag-namespace.ts';
import type { Segment } from '../api/segment.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { FLAG, FLAG_NAMESPACE, SEGMENT, type ResourceType } from '../kube/resource-type.ts';
import type { Clock } from '../runtime/clock.ts';
import type { RuleSetPublisher } from '../sync/publisher.ts';
import type { ControllerMetrics } from './controller-metrics.ts';
import { NamespaceReconciler, type ReconcilerLogger, type StatusSink } from './namespace-reconciler.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { SidecarCounts } from './status.ts';
import type { UninjectedSummary } from './uninjected-pods.ts';
import {
  DEFAULT_INFORMER_TIMING,
  SupervisedInformer,
  type InformerEvent,
  type InformerObject,
  type InformerScope,
} from './supervised-informer.ts';
import { WorkQueue } from './work-queue.ts';

export interface ControllerLogger extends ReconcilerLogger {
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): ControllerLogger;
}

export interface InformerTiming {
  readonly staleAfterMs: number;
  readonly resyncMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface ClusterControllerOptions {
  readonly client: KubeClient;
  readonly sink: StatusSink;
  /** Namespaces to watch; empty: the whole cluster. */
  readonly watchNamespaces: readonly string[];
  readonly publisher: RuleSetPublisher & { markSynced(): void };
  readonly isLeader: () => boolean;
  readonly sidecars: (namespace: string) => SidecarCounts;
  /** Un-injected pods per namespace, for the FlagNamespace status (undefined while unknown). */
  readonly uninjected?: ((namespace: string) => UninjectedSummary | undefined) | undefined;
  /** Called after every compile with the time it took (ms) and the number of objects not compiled fresh. */
  readonly onCompiled?: (namespace: string, ruleSet: RuleSet, ms: number, failing: number) => void;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: ControllerLogger;
  readonly metrics: ControllerMetrics;
  /** Namespaces reconciled at once (each reconcile is one namespace, never two workers on one). */
  readonly workers?: number | undefined;
  readonly informerTiming?: Partial<InformerTiming> | undefined;
}

/** Sidecar acks arrive in bursts; one FlagNamespace status write per burst is enough. */
const SIDECAR_STATUS_DELAY_MS = 1_000;
const DEFAULT_WORKERS = 4;
const WATCH_TIMEOUT_MIN_S = 240;
const WATCH_TIMEOUT_JITTER_S = 50;

export class ClusterController {
  readonly #o: ClusterControllerOptions;
  readonly #flags: SupervisedInformer<Flag>;
  readonly #segments: SupervisedInformer<Segment>;
  readonly #flagNamespaces: SupervisedInformer<FlagNamespace>;
  readonly #queue: WorkQueue<string>;
  readonly #reconciler: NamespaceReconciler;
  #workers: Promise<void>[] = [];
  #started = false;

  constructor(options: ClusterControllerOptions) {
    this.#o = options;
    const scoped = options.watchNamespaces.length > 0;
    const namespaced: InformerScope[] = scoped
      ? options.watchNamespaces.map((namespace) => ({ namespace }))
      : [{}];
    // FlagNamespace is cluster-scoped: when scoped, read only the ones named like watched namespaces.
    const byName: InformerScope[] = scoped
      ? options.watchNamespaces.map((ns) => ({ fieldSelector: `metadata.name=${ns}` }))
      : [{}];
    this.#flags = this.#informer(FLAG, parseFlag, namespaced, (o) => o.metadata.namespace);
    this.#segments = this.#informer(SEGMENT, parseSegment, namespaced, (o) => o.metadata.namespace);
    this.#flagNamespaces = this.#informer(FLAG_NAMESPACE, parseFlagNamespace, byName, (o) => o.metadata.name);
    this.#queue = new WorkQueue({
      clock: options.clock,
      rateLimiter: defaultControllerRateLimiter(() => options.clock.now()),
      onWaited: (ms) => {
        options.metrics.queueWaitSeconds.observe(ms / 1000);
      },
    });
    this.#reconciler = new NamespaceReconciler({
      caches: {
        flags: (ns) => this.#flags.list(ns),
        segments: (ns) => this.#segments.list(ns),
        flagNamespace: (ns) => this.#flagNamespaces.get(undefined, ns),
      },
      publisher: options.publisher,
      sink: options.sink,
      isLeader: options.isLeader,
      sidecars: options.sidecars,
      uninjected: options.uninjected,
      ...(options.onCompiled === undefined ? {} : { onCompiled: options.onCompiled }),
      clock: options.clock,
      logger: options.logger.child({ part: 'reconciler' }),
    });
    const informers = [this.#flags, this.#segments, this.#flagNamespaces];
    options.metrics.addWatchAgeSource(() =>
      informers.map((i) => [i.kind, Math.max(0, (options.clock.now() - i.lastEventAt) / 1000)] as const),
    );
  }

  /** Lists everything, publishes every namespace, then starts reconciling. Resolves when serving. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const informers = [this.#flags, this.#segments, this.#flagNamespaces];
    for (const informer of informers) informer.start();
    await Promise.all(informers.map((i) => i.waitForSync()));
    const namespaces = this.namespaces();
    for (const namespace of namespaces) this.#reconciler.compileAndPublish(namespace);
    this.#o.publisher.markSynced();
    this.#o.logger.info(
      { namespaces: namespaces.length, flags: this.#flags.size, segments: this.#segments.size },
      'caches synced; every namespace published',
    );
    const workers = this.#o.workers ?? DEFAULT_WORKERS;
    this.#workers = Array.from({ length: workers }, () => this.#work());
    this.enqueueAll();
  }

  /** Stops the informers and waits for reconciles in flight. */
  async stop(): Promise<void> {
    await Promise.all([this.#flags.stop(), this.#segments.stop(), this.#flagNamespaces.stop()]);
    this.#queue.shutDown();
    await this.#queue.drained();
    await Promise.all(this.#workers);
  }

  /** Every namespace with objects or a published rule set. */
  namespaces(): string[] {
    const all = new Set<string>([
      ...this.#flags.namespaces(),
      ...this.#segments.namespaces(),
      ...this.#flagNamespaces.list(undefined).map((f) => f.metadata.name),
    ]);
    for (const ns of [...all]) if (ns === '') all.delete(ns);
    return [...all].sort();
  }

  enqueue(namespace: string): void {
    this.#queue.add(namespace);
    this.#o.metrics.queueDepth.set(this.#queue.length);
  }

  /** Reconcile everything again (e.g. on becoming the leader). */
  enqueueAll(): void {
    for (const namespace of this.namespaces()) this.enqueue(namespace);
  }

  /** A namespace's sidecar counts changed: refresh its FlagNamespace status soon. */
  sidecarsChanged(namespace: string): void {
    if (this.#flagNamespaces.get(undefined, namespace) !== undefined && this.#o.isLeader())
      this.#queue.addAfter(namespace, SIDECAR_STATUS_DELAY_MS);
  }

  /** A namespace's un-injected pods changed: refresh its FlagNamespace status. */
  uninjectedChanged(namespace: string): void {
    if (this.#flagNamespaces.get(undefined, namespace) !== undefined && this.#o.isLeader())
      this.enqueue(namespace);
  }

  #informer<T extends InformerObject>(
    type: ResourceType,
    parse: (raw: unknown) => ParseResult<T>,
    scopes: InformerScope[],
    namespaceOf: (object: T) => string | undefined,
  ): SupervisedInformer<T> {
    const { metrics, clock, random } = this.#o;
    const timing = { ...DEFAULT_INFORMER_TIMING, ...this.#o.informerTiming };
    return new SupervisedInformer<T>({
      type,
      api: this.#o.client,
      parse,
      scopes,
      onEvent: (event: InformerEvent<T>) => {
        if (event.type === 'resync') this.enqueueAll();
        else {
          const namespace = namespaceOf(event.object);
          if (namespace !== undefined) this.enqueue(namespace);
        }
      },
      onInvalid: () => {
        metrics.invalidObjects.inc({ kind: type.kind });
      },
      onRestart: (cause) => {
        metrics.watchRestarts.inc({ kind: type.kind, cause });
      },
      logger: this.#o.logger.child({ part: 'informer', kind: type.kind }),
      clock,
      backoff: {
        initialMs: timing.backoffInitialMs ?? DEFAULT_INFORMER_TIMING.backoff.initialMs,
        maxMs: timing.backoffMaxMs ?? DEFAULT_INFORMER_TIMING.backoff.maxMs,
        random,
      },
      staleAfterMs: timing.staleAfterMs,
      resyncMs: timing.resyncMs,
      // Jittered, and under undici's 300 s body timeout: a quiet watch (the API server sends no
      // bookmarks for a kind nobody has written since it started) is ended cleanly by the server
      // and resumed, instead of being cut by the client as an error.
      watchTimeoutSeconds: () => WATCH_TIMEOUT_MIN_S + Math.floor(random() * WATCH_TIMEOUT_JITTER_S),
    });
  }

  async #work(): Promise<void> {
    const { metrics, clock, logger } = this.#o;
    for (;;) {
      const namespace = await this.#queue.get();
      if (namespace === undefined) return;
      metrics.queueDepth.set(this.#queue.length);
      const started = clock.now();
      try {
        const result = await this.#reconciler.reconcile(namespace);
        metrics.statusPatches.inc(result.report.patched);
        metrics.events.inc(result.report.events);
        if (result.ok) {
          this.#queue.forget(namespace);
          metrics.reconciles.inc({ result: 'success' });
        } else {
          this.#queue.addRateLimited(namespace);
          metrics.queueRetries.inc();
          metrics.reconciles.inc({ result: 'error' });
        }
      } catch (error) {
        // A bug must not kill the worker: log it and retry the namespace with backoff.
        logger.error({ namespace, err: error }, 'reconcile threw');
        metrics.reconciles.inc({ result: 'panic' });
        metrics.queueRetries.inc();
        this.#queue.addRateLimited(namespace);
      } finally {
        metrics.reconcileSeconds.observe((clock.now() - started) / 1000);
        this.#queue.done(namespace);
      }
    }
  }
}
