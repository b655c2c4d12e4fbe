// Whether a pod that reached the webhook gets the sidecar. The webhook configuration already
// matched namespaces and annotations; this re-checks what must never be mutated whatever the
// configuration says (an edited or stale configuration must not inject into kube-system).
import type { Pod } from './admission-review.ts';
import { ANNOTATIONS, SIDECAR_CONTAINER } from './injection-names.ts';

export type SkipReason = 'excluded-namespace' | 'mirror-pod' | 'opted-out' | 'already-injected';

export type InjectionDecision =
  | { readonly inject: true; readonly warnings: readonly string[] }
  | { readonly inject: false; readonly reason: SkipReason; readonly message: string };

export interface DecisionContext {
  /** `request.namespace`: the pod's own metadata.namespace may be empty on CREATE. */
  readonly namespace: string;
  /** kube-system and the operator's namespace. */
  readonly excludedNamespaces: readonly string[];
}

export function decideInjection(pod: Pod, context: DecisionContext): InjectionDecision {
  const annotations = pod.metadata.annotations ?? {};
  if (context.excludedNamespaces.includes(context.namespace))
    return skip('excluded-namespace', `namespace ${context.namespace} is never injected`);
  if (annotations[ANNOTATIONS.mirror] !== undefined)
    return skip('mirror-pod', 'mirror pods of static pods are never injected');
  const opt = annotations[ANNOTATIONS.inject];
  if (opt === 'false') return skip('opted-out', `the pod is annotated ${ANNOTATIONS.inject}: "false"`);
  if (hasSidecar(pod) || annotations[ANNOTATIONS.injected] === 'true')
    return skip('already-injected', 'the pod already has the Ensign sidecar');
  const warnings =
    opt === undefined || opt === 'true'
      ? []
      : [`annotation ${ANNOTATIONS.inject} has the value "${opt}"; only "true" and "false" have a meaning`];
  return { inject: true, warnings };
}

export function hasSidecar(pod: Pod): boolean {
  const named = (c: { name: string }) => c.name === SIDECAR_CONTAINER;
  return pod.spec.containers.some(named) || (pod.spec.initContainers ?? []).some(named);
}

function skip(reason: SkipReason, message: string): InjectionDecision {
  return { inject: false, reason, message };
}
