// Detects pods created without the sidecar they asked for (leader only). Two metadata-only
// supervised informers (Pods and Namespaces: labels and annotations are all it reads, so a big
// cluster's pod specs never enter memory) trigger a debounced evaluation from the caches:
// findUninjectedPods decides, and this shell sets the gauge, records one Warning Event per pod and
// tells the cluster controller which namespaces' FlagNamespace status changed. Level-based:
// every evaluation starts from the caches, so a restart or a new leader reports the same thing.
import { Gauge, type Registry } from 'prom-client';
import type { ParseResult } from '../api/parse.ts';
import type { KubeClient, ListWatchApi } from '../kube/kube-client.ts';
import { describeKubeError, HTTP_CONFLICT } from '../kube/kube-result.ts';
import { EVENT, type ResourceType } from '../kube/resource-type.ts';
import type { Clock } from '../runtime/clock.ts';
import type { ControllerLogger } from './cluster-controller.ts';
import { DEFAULT_INFORMER_TIMING, SupervisedInformer, type InformerScope } from './supervised-informer.ts';
import {
  findUninjectedPods,
  namespaceMetadata,
  podMetadata,
  sameSummary,
  summarize,
  uninjectedPodEvent,
  type NamespaceMetadata,
  type PodMetadata,
  type UninjectedPod,
  type UninjectedSummary,
} from './uninjected-pods.ts';

export const POD: ResourceType = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const NAMESPACE: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};

/** Lists and watches return PartialObjectMetadata instead of whole objects. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export function metadataOnly(api: KubeClient): ListWatchApi {
  return {
    list: (type, options) => api.list(type, { ...options, accept: METADATA_LIST_ACCEPT }),
    watch: (type, options, onEvent) =>
      api.watch(type, { ...options, accept: METADATA_WATCH_ACCEPT }, onEvent),
  };
}

export interface EventRecorder {
  /** Creates the Event; a 409 means it was recorded before. */
  create(event: ReturnType<typeof uninjectedPodEvent>): ReturnType<KubeClient['create']>;
}

export interface UninjectedPodsOptions {
  readonly api: ListWatchApi;
  readonly events: EventRecorder;
  /** Namespaces to look at; empty: all. */
  readonly watchNamespaces: readonly string[];
  /** kube-system and the operator's namespace: never injected, never reported. */
  readonly excludedNamespaces: readonly string[];
  readonly registry: Registry;
  /** The reporting instance of Events. */
  readonly instance: string;
  /** Namespaces whose summary changed (FlagNamespace status follows). */
  readonly onChange: (namespaces: readonly string[]) => void;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: ControllerLogger;
  /** Evaluation delay after a change, so a burst of pod events is one evaluation. Default 500 ms. */
  readonly debounceMs?: number | undefined;
}

const DEFAULT_DEBOUNCE_MS = 500;
const WATCH_TIMEOUT_MIN_S = 240;
const WATCH_TIMEOUT_JITTER_S = 50;

function parser<T>(schema: {
  safeParse(
    raw: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
}) {
  return (raw: unknown): ParseResult<T> => {
    const result = schema.safeParse(raw);
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, issues: result.error.issues.map((i) => ({ path: '', message: i.message })) };
  };
}

export class UninjectedPodsDetector {
  readonly #o: UninjectedPodsOptions;
  readonly #gauge: Gauge<'namespace'>;
  readonly #excluded: ReadonlySet<string>;
  #pods: SupervisedInformer<PodMetadata> | undefined;
  #namespaces: SupervisedInformer<NamespaceMetadata> | undefined;
  #summaries = new Map<string, UninjectedSummary>();
  /** Pods (by uid) whose Event is recorded. */
  #reported = new Set<string>();
  #timer: unknown;
  #evaluating: Promise<void> | undefined;
  #again = false;
  #running = false;

  constructor(options: UninjectedPodsOptions) {
    this.#o = options;
    this.#excluded = new Set(options.excludedNamespaces);
    this.#gauge = new Gauge({
      name: 'ensign_operator_uninjected_pods',
      help: 'Pods that opted in to the Ensign sidecar but were created without it, per namespace (leader only).',
      labelNames: ['namespace'],
      registers: [options.registry],
    });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Summary for the FlagNamespace status; undefined while not running or not yet synced. */
  summary(namespace: string): UninjectedSummary | undefined {
    if (!this.#running || this.#pods?.synced !== true || this.#namespaces?.synced !== true) return undefined;
    return this.#summaries.get(namespace) ?? { count: 0, names: [] };
  }

  /** Starts watching (on becoming the leader). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const scoped = this.#o.watchNamespaces.length > 0;
    const podScopes: InformerScope[] = scoped
      ? this.#o.watchNamespaces.map((namespace) => ({ namespace }))
      : [{}];
    const namespaceScopes: InformerScope[] = scoped
      ? this.#o.watchNamespaces.map((ns) => ({ fieldSelector: `metadata.name=${ns}` }))
      : [{}];
    this.#pods = this.#informer(POD, parser(podMetadata), podScopes);
    this.#namespaces = this.#informer(NAMESPACE, parser(namespaceMetadata), namespaceScopes);
    this.#pods.start();
    this.#namespaces.start();
    await Promise.all([this.#pods.waitForSync(), this.#namespaces.waitForSync()]);
    if (!this.running) return; // stopped while listing
    this.#o.logger.info({ pods: this.#pods.size }, 'looking for pods created without the sidecar');
    await this.evaluate();
  }

  /** Stops watching and reporting (on losing leadership); a new leader reports from scratch. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all([this.#pods?.stop(), this.#namespaces?.stop()]);
    await this.#evaluating;
    this.#gauge.reset();
    const namespaces = [...this.#summaries.keys()];
    this.#summaries.clear();
    this.#reported.clear();
    if (namespaces.length > 0) this.#o.onChange(namespaces);
  }

  /** Evaluates the caches now (the debounced path calls this too). */
  evaluate(): Promise<void> {
    if (this.#evaluating !== undefined) {
      this.#again = true;
      return this.#evaluating;
    }
    this.#evaluating = this.#evaluateOnce().finally(() => {
      this.#evaluating = undefined;
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    });
    return this.#evaluating;
  }

  async #evaluateOnce(): Promise<void> {
    const pods = this.#pods;
    const namespaces = this.#namespaces;
    if (
      !this.#running ||
      pods === undefined ||
      namespaces === undefined ||
      !pods.synced ||
      !namespaces.synced
    )
      return;
    const all = pods.namespaces().flatMap((ns) => pods.list(ns));
    const found = findUninjectedPods(
      all,
      (ns) => namespaces.get(undefined, ns)?.metadata.labels,
      this.#excluded,
    );
    this.#publish(found);
    await this.#recordEvents(found);
  }

  #publish(found: Map<string, UninjectedPod[]>): void {
    const changed: string[] = [];
    const next = new Map<string, UninjectedSummary>();
    for (const [namespace, list] of found) next.set(namespace, summarize(list));
    for (const namespace of new Set([...this.#summaries.keys(), ...next.keys()])) {
      const before = this.#summaries.get(namespace);
      const after = next.get(namespace);
      if (sameSummary(before, after)) continue;
      changed.push(namespace);
      if (after === undefined) this.#gauge.remove({ namespace });
      else this.#gauge.set({ namespace }, after.count);
      if (after !== undefined && (before?.count ?? 0) < after.count)
        this.#o.logger.warn(
          { namespace, pods: after.count, names: after.names },
          'pods opted in but run without the sidecar',
        );
    }
    this.#summaries = next;
    if (changed.length > 0) this.#o.onChange(changed.sort());
  }

  async #recordEvents(found: Map<string, UninjectedPod[]>): Promise<void> {
    const present = new Set<string>();
    const tally = { recorded: 0, alreadyRecorded: 0 };
    for (const list of found.values())
      for (const pod of list) {
        present.add(pod.uid);
        if (this.#reported.has(pod.uid) || !this.#running) continue;
        const result = await this.#o.events.create(
          uninjectedPodEvent(pod, this.#o.instance, this.#o.clock.now()),
        );
        if (result.ok || result.error.code === HTTP_CONFLICT) {
          this.#reported.add(pod.uid);
          if (result.ok) tally.recorded++;
          else tally.alreadyRecorded++; // by this operator before a restart, or by a previous leader
        }
        // Best effort, like every Event: retried at the next evaluation, never blocking the report.
        else
          this.#o.logger.warn(
            { namespace: pod.namespace, pod: pod.name, error: describeKubeError(result.error) },
            'could not record the SidecarNotInjected event',
          );
      }
    for (const uid of [...this.#reported]) if (!present.has(uid)) this.#reported.delete(uid);
    if (tally.recorded + tally.alreadyRecorded > 0) this.#o.logger.info(tally, 'SidecarNotInjected events');
  }

  /** At most one evaluation per debounce period: a steady stream of pod events cannot postpone it. */
  #schedule(): void {
    if (!this.#running || this.#timer !== undefined) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.evaluate();
    }, this.#o.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  #informer<T extends PodMetadata | NamespaceMetadata>(
    type: ResourceType,
    parse: (raw: unknown) => ParseResult<T>,
    scopes: InformerScope[],
  ): SupervisedInformer<T> {
    const { clock, random } = this.#o;
    return new SupervisedInformer<T>({
      type,
      api: this.#o.api,
      parse,
      scopes,
      onEvent: () => {
        this.#schedule();
      },
      logger: this.#o.logger.child({ part: 'informer', kind: type.kind }),
      clock,
      backoff: { ...DEFAULT_INFORMER_TIMING.backoff, random },
      staleAfterMs: DEFAULT_INFORMER_TIMING.staleAfterMs,
      resyncMs: DEFAULT_INFORMER_TIMING.resyncMs,
      watchTimeoutSeconds: () => WATCH_TIMEOUT_MIN_S + Math.floor(random() * WATCH_TIMEOUT_JITTER_S),
    });
  }
}

/** Events through the API client (events.k8s.io/v1, in the pod's namespace). */
export function kubeEventRecorder(client: KubeClient): EventRecorder {
  return { create: (event) => client.create(EVENT, event.metadata.namespace, event) };
}
