// Desired status of Flags, Segments and FlagNamespaces, computed from the compiler's verdicts and
// the status the API server holds now. Pure: the reconciler patches only when the result differs
// from what is observed, so running it twice writes nothing the second time.
//
// kstatus: `observedGeneration` at the top and on every condition; `Ready` always; `Stalled` only
// while True (a compile error the user must fix); `Reconciling` is never left behind (the
// operator compiles and publishes before it writes status, so there is no in-between state to
// report). `lastTransitionTime` changes only when a condition's status changes.
import { isDeepStrictEqual } from 'node:util';
import type { Condition, ObjectStatus } from '../api/common.ts';
import type { ObjectOutcome } from '../compiler/diagnostic.ts';
import type { UninjectedSummary } from './uninjected-pods.ts';

export const ConditionType = {
  Ready: 'Ready',
  Stalled: 'Stalled',
  Reconciling: 'Reconciling',
  /** FlagNamespace only, informational: never part of Ready (kstatus reads Ready/Stalled/Reconciling). */
  SidecarsInjected: 'SidecarsInjected',
} as const;

/** Reasons the operator itself sets (compiler reasons are used as they are). */
export const StatusReason = {
  Published: 'Published',
  ObjectsNotReady: 'ObjectsNotReady',
  AllPodsInjected: 'AllPodsInjected',
  UninjectedPods: 'UninjectedPods',
} as const;

/** Condition messages are capped well under the CRD's 32768 so a status stays small. */
export const MAX_MESSAGE_LENGTH = 4096;

export interface Verdict {
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface ObjectStatusInput {
  /** metadata.generation of the object the verdict is about. */
  readonly generation: number;
  readonly verdict: Verdict;
  /** Revision of the rule set published for the namespace now. */
  readonly revision: string;
  readonly observed: ObjectStatus | undefined;
  /** RFC 3339 time used for conditions whose status changes. */
  readonly now: string;
}

export function desiredObjectStatus(input: ObjectStatusInput): ObjectStatus {
  const { generation, verdict, observed } = input;
  const status: ObjectStatus = {
    observedGeneration: generation,
    conditions: verdictConditions(verdict, generation, observed?.conditions, input.now),
  };
  if (verdict.ready) status.revision = revisionFor(input);
  return status;
}

/**
 * The first revision that served this generation stays the answer while the object stays Ready:
 * a change to another Flag in the namespace does not rewrite every Flag's status.
 */
function revisionFor(input: ObjectStatusInput): string {
  const { observed, generation } = input;
  const wasReady = findCondition(observed?.conditions, ConditionType.Ready)?.status === 'True';
  if (wasReady && observed?.observedGeneration === generation && observed.revision !== undefined)
    return observed.revision;
  return input.revision;
}

export interface SidecarCounts {
  readonly connected: number;
  readonly inSync: number;
}

export interface FlagNamespaceStatus extends ObjectStatus {
  flags?: number;
  segments?: number;
  sidecars?: SidecarCounts;
  uninjectedPods?: number;
}

export interface FlagNamespaceStatusInput {
  readonly generation: number;
  readonly revision: string;
  /** Flags and segments in the published rule set. */
  readonly flags: number;
  readonly segments: number;
  readonly sidecars: SidecarCounts;
  /** The compiler's verdicts on the namespace's Flags and Segments. */
  readonly objects: readonly ObjectOutcome[];
  /** Pods of the namespace that opted in but lack the sidecar; undefined while not known (then the observed value stays). */
  readonly uninjected?: UninjectedSummary | undefined;
  readonly observed: FlagNamespaceStatus | undefined;
  readonly now: string;
}

/** How many failing objects a FlagNamespace's Ready message names before it says "and N more". */
export const MAX_NAMED_OBJECTS = 5;

export function desiredFlagNamespaceStatus(input: FlagNamespaceStatusInput): FlagNamespaceStatus {
  const verdict = namespaceVerdict(input);
  const conditions = verdictConditions(verdict, input.generation, input.observed?.conditions, input.now);
  const status: FlagNamespaceStatus = {
    observedGeneration: input.generation,
    conditions,
    revision: input.revision,
    flags: input.flags,
    segments: input.segments,
    sidecars: { connected: input.sidecars.connected, inSync: input.sidecars.inSync },
  };
  const injected = sidecarsInjected(input);
  if (injected !== undefined) {
    conditions.push(injected.condition);
    status.uninjectedPods = injected.count;
  }
  return status;
}

/** The SidecarsInjected condition and count; what is observed when the pods are not known now. */
function sidecarsInjected(
  input: FlagNamespaceStatusInput,
): { readonly condition: Condition; readonly count: number } | undefined {
  const { uninjected, observed } = input;
  if (uninjected === undefined) {
    const kept = findCondition(observed?.conditions, ConditionType.SidecarsInjected);
    return kept === undefined ? undefined : { condition: kept, count: observed?.uninjectedPods ?? 0 };
  }
  const named = uninjected.names.join(', ');
  const more =
    uninjected.count > uninjected.names.length
      ? ` and ${uninjected.count - uninjected.names.length} more`
      : '';
  const condition =
    uninjected.count === 0
      ? {
          status: 'True' as const,
          reason: StatusReason.AllPodsInjected,
          message: 'every pod that opted in has the Ensign sidecar',
        }
      : {
          status: 'False' as const,
          reason: StatusReason.UninjectedPods,
          message: `${plural(uninjected.count, 'pod')} opted in to the Ensign sidecar but run without it: ${named}${more}; recreate them once the injection webhook is up`,
        };
  return {
    condition: buildCondition(
      ConditionType.SidecarsInjected,
      condition.status,
      condition.reason,
      truncate(condition.message),
      input.generation,
      observed?.conditions,
      input.now,
    ),
    count: uninjected.count,
  };
}

function namespaceVerdict(input: FlagNamespaceStatusInput): Verdict {
  const failing = input.objects.filter((o) => !o.ready);
  const served = `rule set ${input.revision.slice(0, 12)} serves ${plural(input.flags, 'flag')} and ${plural(input.segments, 'segment')}`;
  if (failing.length === 0) return { ready: true, reason: StatusReason.Published, message: served };
  const named = failing
    .slice(0, MAX_NAMED_OBJECTS)
    .map((o) => `${o.kind} ${o.name} (${o.reason})`)
    .join(', ');
  const more = failing.length > MAX_NAMED_OBJECTS ? ` and ${failing.length - MAX_NAMED_OBJECTS} more` : '';
  return {
    ready: false,
    reason: StatusReason.ObjectsNotReady,
    message: `${plural(failing.length, 'object')} not ready: ${named}${more}; ${served}`,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Ready, plus Stalled=True while not ready: every compile error needs a change by the user. */
function verdictConditions(
  verdict: Verdict,
  generation: number,
  observed: readonly Condition[] | undefined,
  now: string,
): Condition[] {
  const message = truncate(verdict.message);
  const ready = buildCondition(
    ConditionType.Ready,
    verdict.ready ? 'True' : 'False',
    verdict.reason,
    message,
    generation,
    observed,
    now,
  );
  if (verdict.ready) return [ready];
  return [
    ready,
    buildCondition(ConditionType.Stalled, 'True', verdict.reason, message, generation, observed, now),
  ];
}

function buildCondition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  generation: number,
  observed: readonly Condition[] | undefined,
  now: string,
): Condition {
  const previous = findCondition(observed, type);
  const lastTransitionTime =
    previous !== undefined && previous.status === status ? previous.lastTransitionTime : now;
  return { type, status, observedGeneration: generation, lastTransitionTime, reason, message };
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function truncate(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** True when `desired` says the same as `observed` (key order and absent keys do not matter). */
export function statusEquals(desired: object, observed: object | undefined): boolean {
  if (observed === undefined) return false;
  return isDeepStrictEqual(plainJson(desired), plainJson(observed));
}

function plainJson(value: object): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * A JSON merge patch (RFC 7386) of the status subresource that turns `observed` into `desired`:
 * top-level status keys that disappear are set to null (merge patch would keep them otherwise);
 * lists, such as conditions, are sent whole. `resourceVersion` makes the write conditional, so a
 * status computed from an older object is refused (409) instead of overwriting a newer one.
 */
export function statusMergePatch(
  desired: object,
  observed: object | undefined,
  resourceVersion: string | undefined,
): Record<string, unknown> {
  const status: Record<string, unknown> = { ...desired };
  for (const key of Object.keys(observed ?? {})) if (!(key in status)) status[key] = null;
  return resourceVersion === undefined ? { status } : { metadata: { resourceVersion }, status };
}

export interface EventDecision {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly note: string;
}

export const RECOVERED_REASON = 'Recovered';

/**
 * The Kubernetes Event a status change deserves, if any: a Warning when an object becomes not
 * ready (or fails for a different reason or message), a Normal `Recovered` when it becomes ready
 * again. Derived from the stored status, so a steady state, a restart or a new leader emits nothing.
 */
export function eventForTransition(
  observed: ObjectStatus | undefined,
  desired: ObjectStatus,
): EventDecision | undefined {
  const before = findCondition(observed?.conditions, ConditionType.Ready);
  const after = findCondition(desired.conditions, ConditionType.Ready);
  if (after === undefined) return undefined;
  if (after.status === 'False') {
    const same =
      before?.status === 'False' && before.reason === after.reason && before.message === after.message;
    return same ? undefined : { type: 'Warning', reason: after.reason, note: after.message };
  }
  if (after.status === 'True' && before?.status === 'False')
    return { type: 'Normal', reason: RECOVERED_REASON, note: after.message };
  return undefined;
}
