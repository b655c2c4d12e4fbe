// Level-based, idempotent reconcile of one flag namespace from the informer caches:
//   1. compile the namespace's Flags and Segments (the rule set last published is the source of
//      last good versions) and publish the result when its revision changed — every replica;
//   2. leader only: compute each object's desired status and patch the status subresource where
//      it differs from the stored one; record an Event when an object fails or recovers.
// It never looks at which event triggered it: a deleted Flag is noticed because it is no longer in
// the cache, and running it twice in a row writes nothing the second time.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { ObjectStatus } from '../api/common.ts';
import type { FlagNamespace } from '../api/flag-namespace.ts';
import type { Flag } from '../api/flag.ts';
import type { Segment } from '../api/segment.ts';
import { compile } from '../compiler/compile.ts';
import type { ObjectOutcome } from '../compiler/diagnostic.ts';
import {
  describeKubeError,
  HTTP_CONFLICT,
  HTTP_NOT_FOUND,
  type KubeError,
  type KubeResult,
} from '../kube/kube-result.ts';
import type { Clock } from '../runtime/clock.ts';
import type { RuleSetPublisher } from '../sync/publisher.ts';
import { reconcileFailed, tracedCompile, tracedReconcileAsync } from '../sync/rule-set-spans.ts';
import type { ObjectReference } from './kubernetes-event.ts';
import {
  desiredFlagNamespaceStatus,
  desiredObjectStatus,
  eventForTransition,
  statusEquals,
  statusMergePatch,
  type EventDecision,
  type FlagNamespaceStatus,
  type SidecarCounts,
} from './status.ts';
import type { UninjectedSummary } from './uninjected-pods.ts';

/** What the reconciler reads: the informer caches. */
export interface NamespaceCaches {
  flags(namespace: string): readonly Flag[];
  segments(namespace: string): readonly Segment[];
  flagNamespace(namespace: string): FlagNamespace | undefined;
}

export type StatusKind = 'Flag' | 'Segment' | 'FlagNamespace';

/** Writes to the API server; only called while this replica leads. */
export interface StatusSink {
  /** Merge-patches the status subresource (namespace undefined for FlagNamespace). */
  patchStatus(
    kind: StatusKind,
    namespace: string | undefined,
    name: string,
    patch: object,
  ): Promise<KubeResult<unknown>>;
  recordEvent(regarding: ObjectReference, decision: EventDecision): Promise<KubeResult<unknown>>;
}

export interface ReconcilerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface NamespaceReconcilerOptions {
  readonly caches: NamespaceCaches;
  readonly publisher: RuleSetPublisher;
  readonly sink: StatusSink;
  readonly isLeader: () => boolean;
  /** Sidecars streaming the namespace from this replica (the sync server knows). */
  readonly sidecars: (namespace: string) => SidecarCounts;
  /** Pods that opted in but lack the sidecar; undefined while unknown (detection not synced). */
  readonly uninjected?: ((namespace: string) => UninjectedSummary | undefined) | undefined;
  readonly clock: Clock;
  readonly logger: ReconcilerLogger;
  /** Status patches in flight at once for one namespace. */
  readonly writeConcurrency?: number | undefined;
  readonly onCompiled?:
    ((namespace: string, ruleSet: RuleSet, durationMs: number, failing: number) => void) | undefined;
}

export interface ReconcileReport {
  readonly namespace: string;
  readonly revision: string;
  readonly published: boolean;
  readonly patched: number;
  readonly events: number;
}

/** A failed reconcile is retried with backoff; `conflict` means a newer object is on its way. */
export type ReconcileResult =
  | { readonly ok: true; readonly report: ReconcileReport }
  | { readonly ok: false; readonly report: ReconcileReport; readonly error: KubeError };

const API_VERSION = 'ensign.dev/v1alpha1';
const DEFAULT_WRITE_CONCURRENCY = 8;

interface StatusTarget {
  readonly kind: 'Flag' | 'Segment';
  readonly object: Flag | Segment;
  readonly outcome: ObjectOutcome;
}

interface WriteTally {
  patched: number;
  events: number;
  error: KubeError | undefined;
}

export class NamespaceReconciler {
  readonly #o: NamespaceReconcilerOptions;
  readonly #published = new Map<string, RuleSet>();

  constructor(options: NamespaceReconcilerOptions) {
    this.#o = options;
  }

  /** The rule set last published for `namespace` by this reconciler. */
  current(namespace: string): RuleSet | undefined {
    return this.#published.get(namespace);
  }

  /** Step 1 alone: compile and publish (used for the first pass, before any status is written). */
  compileAndPublish(namespace: string): { ruleSet: RuleSet; objects: ObjectOutcome[]; published: boolean } {
    const { caches, clock } = this.#o;
    const started = clock.now();
    const previous = this.#published.get(namespace);
    const { ruleSet, objects } = tracedCompile(namespace, () =>
      compile({
        namespace,
        flags: caches.flags(namespace),
        segments: caches.segments(namespace),
        previous,
        flagNamespace: caches.flagNamespace(namespace),
      }),
    );
    const failing = objects.filter((o) => !o.ready).length;
    this.#o.onCompiled?.(namespace, ruleSet, clock.now() - started, failing);
    const changed = previous?.revision !== ruleSet.revision;
    if (changed) {
      this.#o.publisher.publish(ruleSet);
      this.#published.set(namespace, ruleSet);
      this.#o.logger.info(
        {
          namespace,
          revision: ruleSet.revision,
          flags: ruleSet.flags.length,
          segments: ruleSet.segments.length,
          failing,
        },
        'rule set published',
      );
    }
    return { ruleSet, objects, published: changed };
  }

  /** Compile, publish and (leader) write statuses, as one `ensign.reconcile` span. */
  reconcile(namespace: string): Promise<ReconcileResult> {
    return tracedReconcileAsync(namespace, 'kubernetes', async (span) => {
      const result = await this.#reconcile(namespace);
      const { report } = result;
      span.setAttributes({
        'ensign.ruleset.revision': report.revision,
        'ensign.ruleset.published': report.published,
        'ensign.status.patched': report.patched,
        'ensign.events.recorded': report.events,
      });
      if (!result.ok) reconcileFailed(span, String(result.error.code), describeKubeError(result.error));
      return result;
    });
  }

  async #reconcile(namespace: string): Promise<ReconcileResult> {
    const { ruleSet, objects, published } = this.compileAndPublish(namespace);
    const tally: WriteTally = { patched: 0, events: 0, error: undefined };
    if (this.#o.isLeader()) {
      await this.#writeObjectStatuses(namespace, ruleSet, objects, tally);
      await this.#writeNamespaceStatus(namespace, ruleSet, objects, tally);
    }
    const report = {
      namespace,
      revision: ruleSet.revision,
      published,
      patched: tally.patched,
      events: tally.events,
    };
    return tally.error === undefined ? { ok: true, report } : { ok: false, report, error: tally.error };
  }

  async #writeObjectStatuses(
    namespace: string,
    ruleSet: RuleSet,
    outcomes: readonly ObjectOutcome[],
    tally: WriteTally,
  ): Promise<void> {
    const flags = byName(this.#o.caches.flags(namespace));
    const segments = byName(this.#o.caches.segments(namespace));
    const targets: StatusTarget[] = [];
    for (const outcome of outcomes) {
      const object = (outcome.kind === 'Flag' ? flags : segments).get(outcome.name);
      if (object !== undefined) targets.push({ kind: outcome.kind, object, outcome });
    }
    const now = conditionTime(this.#o.clock.now());
    const limit = this.#o.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
    for (let i = 0; i < targets.length; i += limit) {
      await Promise.all(
        targets
          .slice(i, i + limit)
          .map((t) => this.#writeObjectStatus(namespace, t, ruleSet.revision, now, tally)),
      );
    }
  }

  async #writeObjectStatus(
    namespace: string,
    target: StatusTarget,
    revision: string,
    now: string,
    tally: WriteTally,
  ): Promise<void> {
    const { object, outcome, kind } = target;
    const observed: ObjectStatus | undefined = object.status;
    const desired = desiredObjectStatus({
      generation: object.metadata.generation ?? 0,
      verdict: outcome,
      revision,
      observed,
      now,
    });
    if (statusEquals(desired, observed)) return;
    if (!this.#o.isLeader()) return;
    const patch = statusMergePatch(desired, observed, object.metadata.resourceVersion);
    const result = await this.#o.sink.patchStatus(kind, namespace, object.metadata.name, patch);
    if (!this.#accepted(result, kind, namespace, object.metadata.name, tally)) return;
    tally.patched++;
    const decision = eventForTransition(observed, desired);
    if (decision === undefined) return;
    const regarding: ObjectReference = {
      apiVersion: API_VERSION,
      kind,
      namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
    };
    const recorded = await this.#o.sink.recordEvent(regarding, decision);
    if (recorded.ok) tally.events++;
    // Events are best effort (like client-go's recorder): a lost one is logged, never retried.
    else
      this.#o.logger.warn(
        {
          namespace,
          kind,
          name: object.metadata.name,
          reason: decision.reason,
          error: describeKubeError(recorded.error),
        },
        'could not record event',
      );
  }

  async #writeNamespaceStatus(
    namespace: string,
    ruleSet: RuleSet,
    objects: readonly ObjectOutcome[],
    tally: WriteTally,
  ): Promise<void> {
    const resource = this.#o.caches.flagNamespace(namespace);
    if (resource === undefined || !this.#o.isLeader()) return;
    const observed: FlagNamespaceStatus | undefined = resource.status;
    const desired = desiredFlagNamespaceStatus({
      generation: resource.metadata.generation ?? 0,
      revision: ruleSet.revision,
      flags: ruleSet.flags.length,
      segments: ruleSet.segments.length,
      sidecars: this.#o.sidecars(namespace),
      objects,
      uninjected: this.#o.uninjected?.(namespace),
      observed,
      now: conditionTime(this.#o.clock.now()),
    });
    if (statusEquals(desired, observed)) return;
    const patch = statusMergePatch(desired, observed, resource.metadata.resourceVersion);
    const result = await this.#o.sink.patchStatus('FlagNamespace', undefined, resource.metadata.name, patch);
    if (this.#accepted(result, 'FlagNamespace', namespace, resource.metadata.name, tally)) tally.patched++;
  }

  /** True when the patch applied; a vanished object is fine, anything else fails the reconcile. */
  #accepted(
    result: KubeResult<unknown>,
    kind: StatusKind,
    namespace: string,
    name: string,
    tally: WriteTally,
  ): boolean {
    if (result.ok) return true;
    if (result.error.code === HTTP_NOT_FOUND) return false;
    const fields = { namespace, kind, name, error: describeKubeError(result.error) };
    if (result.error.code === HTTP_CONFLICT)
      this.#o.logger.debug(fields, 'status patch conflicted with a newer object; will retry');
    else this.#o.logger.warn(fields, 'status patch failed');
    tally.error ??= result.error;
    return false;
  }
}

/** metav1.Time: RFC 3339 in whole seconds, as Kubernetes itself writes condition times. */
export function conditionTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function byName<T extends { metadata: { name: string } }>(objects: readonly T[]): Map<string, T> {
  return new Map(objects.map((o) => [o.metadata.name, o]));
}
