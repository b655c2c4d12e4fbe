// One admission review, decided: the parsed request in, the AdmissionReview response out, plus
// what happened for metrics and logs. Pure; the HTTPS server around it only moves bytes.
import {
  admissionReviewSchema,
  allow,
  deny,
  podSchema,
  type AdmissionReviewResponse,
} from './admission-review.ts';
import { buildInjectionPatch } from './build-injection-patch.ts';
import { decideInjection } from './decide-injection.ts';
import type { SidecarContext } from './sidecar-container.ts';

export type ReviewResult = 'injected' | 'skipped' | 'denied';

export type ReviewOutcome =
  | {
      readonly ok: true;
      readonly review: AdmissionReviewResponse;
      readonly result: ReviewResult;
      /** Why a pod was skipped (a SkipReason or more) or denied, for the log line. */
      readonly detail: string | undefined;
      readonly namespace: string;
      /** The pod's name, or its generateName prefix on CREATE. */
      readonly pod: string;
    }
  | { readonly ok: false; readonly error: string };

export interface ReviewContext extends SidecarContext {
  readonly excludedNamespaces: readonly string[];
  /** --watch-namespaces: the namespaces whose flags the operator serves; empty means all. */
  readonly watchedNamespaces: readonly string[];
}

export function reviewPod(body: unknown, context: ReviewContext): ReviewOutcome {
  const parsed = admissionReviewSchema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      error: `not an admission.k8s.io/v1 AdmissionReview: ${parsed.error.issues[0]?.message ?? ''}`,
    };
  const request = parsed.data.request;
  const namespace = request.namespace ?? '';
  const base = { ok: true as const, namespace };
  if (request.kind.kind !== 'Pod' || request.kind.group !== '' || request.operation !== 'CREATE')
    return {
      ...base,
      pod: request.name ?? '',
      review: allow(request.uid, [], []),
      result: 'skipped',
      detail: `not a Pod CREATE (${request.kind.kind} ${request.operation})`,
    };
  const pod = podSchema.safeParse(request.object);
  if (!pod.success)
    // The API server validates the pod after the mutating webhooks and rejects it with a better message.
    return {
      ...base,
      pod: request.name ?? '',
      review: allow(request.uid, [], ['Ensign did not inject the sidecar: the pod spec does not parse']),
      result: 'skipped',
      detail: `pod does not parse: ${pod.error.issues[0]?.message ?? ''}`,
    };
  const name = pod.data.metadata.name ?? request.name ?? pod.data.metadata.generateName ?? '';
  const decision = decideInjection(pod.data, { namespace, excludedNamespaces: context.excludedNamespaces });
  if (!decision.inject)
    return {
      ...base,
      pod: name,
      review: allow(request.uid, [], []),
      result: 'skipped',
      detail: decision.reason,
    };
  const patch = buildInjectionPatch(pod.data, context);
  if (!patch.ok)
    return {
      ...base,
      pod: name,
      review: deny(request.uid, 400, `Ensign sidecar injection: ${patch.error}`),
      result: 'denied',
      detail: patch.error,
    };
  return {
    ...base,
    pod: name,
    review: allow(request.uid, patch.patch, [
      ...decision.warnings,
      ...unwatchedWarnings([namespace, ...patch.extraNamespaces], context.watchedNamespaces),
    ]),
    result: 'injected',
    detail: undefined,
  };
}

/** The sidecar of a namespace the operator does not watch gets an empty rule set: say so at creation. */
function unwatchedWarnings(namespaces: readonly string[], watched: readonly string[]): string[] {
  if (watched.length === 0) return [];
  return namespaces
    .filter((ns) => !watched.includes(ns))
    .map(
      (ns) =>
        `Ensign: the operator does not watch namespace ${ns} (--watch-namespaces), so the sidecar serves no flags from it`,
    );
}
