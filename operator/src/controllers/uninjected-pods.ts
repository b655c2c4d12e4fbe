// Which pods opted in to the Ensign sidecar but were created without it (the webhook was down,
// not yet registered, or had no caBundle, and its failurePolicy is Ignore), and how that is
// reported. Pure: the detector shell feeds it the metadata of pods and namespaces.
import { z } from 'zod';
import { ANNOTATIONS, NAMESPACE_LABEL, NAMESPACE_LABEL_VALUE } from '../webhooks/injection-names.ts';
import { microTime } from '../runtime/leader-election.ts';
import { REPORTING_CONTROLLER, type KubernetesEvent } from './kubernetes-event.ts';

const labels = z.record(z.string(), z.string());

/** A pod as the metadata-only list/watch returns it (PartialObjectMetadata). */
export const podMetadata = z.object({
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1),
    uid: z.string().default(''),
    resourceVersion: z.string().optional(),
    annotations: labels.optional(),
    deletionTimestamp: z.string().optional(),
  }),
});
export type PodMetadata = z.infer<typeof podMetadata>;

export const namespaceMetadata = z.object({
  metadata: z.object({
    name: z.string().min(1),
    resourceVersion: z.string().optional(),
    labels: labels.optional(),
  }),
});
export type NamespaceMetadata = z.infer<typeof namespaceMetadata>;

export interface UninjectedPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/**
 * Opted in (annotation `ensign.dev/inject: "true"`, or a namespace labelled
 * `ensign.dev/inject: enabled` and no `"false"` on the pod), not marked injected, not a mirror
 * pod, not being deleted, and not in an excluded namespace.
 */
export function isUninjected(
  pod: PodMetadata,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  excludedNamespaces: ReadonlySet<string>,
): boolean {
  const { namespace, annotations = {}, deletionTimestamp } = pod.metadata;
  if (excludedNamespaces.has(namespace) || deletionTimestamp !== undefined) return false;
  if (annotations[ANNOTATIONS.mirror] !== undefined) return false;
  if (annotations[ANNOTATIONS.injected] !== undefined) return false;
  const opt = annotations[ANNOTATIONS.inject];
  if (opt === 'true') return true;
  if (opt === 'false') return false;
  return namespaceLabels?.[NAMESPACE_LABEL] === NAMESPACE_LABEL_VALUE;
}

/** Un-injected pods by namespace, each list sorted by name; namespaces without any are absent. */
export function findUninjectedPods(
  pods: Iterable<PodMetadata>,
  namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined,
  excludedNamespaces: ReadonlySet<string>,
): Map<string, UninjectedPod[]> {
  const found = new Map<string, UninjectedPod[]>();
  for (const pod of pods) {
    const { namespace, name, uid } = pod.metadata;
    if (!isUninjected(pod, namespaceLabels(namespace), excludedNamespaces)) continue;
    const list = found.get(namespace) ?? [];
    list.push({ namespace, name, uid });
    found.set(namespace, list);
  }
  for (const list of found.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found;
}

export const SIDECAR_NOT_INJECTED = 'SidecarNotInjected';
export const INJECT_ACTION = 'Inject';

export function uninjectedPodNote(pod: UninjectedPod): string {
  return (
    `Pod ${pod.namespace}/${pod.name} asked for the Ensign sidecar but was created without it ` +
    `(the injection webhook was unavailable). It has no flags: once the webhook is up, recreate ` +
    `the pod (e.g. kubectl rollout restart of its workload, or delete it if a controller owns it).`
  );
}

/**
 * The Warning Event about one un-injected pod. Its name is fixed by the pod's uid, so recording it
 * twice (a restart, a new leader) is refused as AlreadyExists instead of duplicating it.
 */
export function uninjectedPodEvent(pod: UninjectedPod, instance: string, nowMs: number): KubernetesEvent {
  const suffix = `.ensign-uninjected.${pod.uid.slice(0, 8)}`;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${pod.name.slice(0, 253 - suffix.length)}${suffix}`, namespace: pod.namespace },
    eventTime: microTime(nowMs),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance.slice(0, 128),
    action: INJECT_ACTION,
    reason: SIDECAR_NOT_INJECTED,
    type: 'Warning',
    note: uninjectedPodNote(pod),
    regarding: { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
}

/** What the FlagNamespace status says about a namespace's un-injected pods. */
export interface UninjectedSummary {
  readonly count: number;
  /** Names of the first few, sorted. */
  readonly names: readonly string[];
}

export const MAX_NAMED_PODS = 5;

export function summarize(pods: readonly UninjectedPod[] | undefined): UninjectedSummary {
  const list = pods ?? [];
  return { count: list.length, names: list.slice(0, MAX_NAMED_PODS).map((p) => p.name) };
}

export function sameSummary(a: UninjectedSummary | undefined, b: UninjectedSummary | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.count === b.count && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i])
  );
}
