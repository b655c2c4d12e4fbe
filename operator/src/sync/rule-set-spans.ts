// The operator's spans, in both source modes: `ensign.reconcile` per namespace, `ensign.compile`
// inside it, `ensign.publish` when a new revision reaches the hub, with an `ensign.sync.send` event
// for every sidecar stream it is written to at once. With tracing off the global tracer is a no-op
// and attributes are not computed.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { ENSIGN_VERSION } from '@ensign/core/telemetry/ensign-version.ts';
import { inSpan, inSpanAsync } from '@ensign/core/telemetry/in-span.ts';
import type { CompileResult } from '../compiler/compile.ts';

export const RECONCILE_SPAN = 'ensign.reconcile';
export const COMPILE_SPAN = 'ensign.compile';
export const PUBLISH_SPAN = 'ensign.publish';
export const SEND_EVENT = 'ensign.sync.send';

export type SourceKind = 'dir' | 'kubernetes';

// Resolved through the global provider on each span, so a provider registered later still applies.
const tracer: Tracer = trace.getTracer('ensign-operator', ENSIGN_VERSION);

export function ruleSetAttributes(ruleSet: RuleSet): Attributes {
  return {
    'k8s.namespace.name': ruleSet.namespace,
    'ensign.ruleset.revision': ruleSet.revision,
    'ensign.ruleset.flags': ruleSet.flags.length,
    'ensign.ruleset.segments': ruleSet.segments.length,
  };
}

function reconcileAttributes(namespace: string, source: SourceKind): Attributes {
  return { 'k8s.namespace.name': namespace, 'ensign.source': source };
}

/** Local mode's reconcile of one namespace (compile and publish; no status writes). */
export function tracedReconcile<T>(namespace: string, source: SourceKind, work: (span: Span) => T): T {
  return inSpan(tracer, RECONCILE_SPAN, reconcileAttributes(namespace, source), work);
}

export function tracedReconcileAsync<T>(
  namespace: string,
  source: SourceKind,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return inSpanAsync(tracer, RECONCILE_SPAN, reconcileAttributes(namespace, source), work);
}

/** A reconcile that ended without throwing but failed (e.g. a status write the API server refused). */
export function reconcileFailed(span: Span, errorType: string, message: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

export function tracedCompile(namespace: string, compile: () => CompileResult): CompileResult {
  return inSpan(tracer, COMPILE_SPAN, { 'k8s.namespace.name': namespace }, (span) => {
    const result = compile();
    if (span.isRecording())
      span.setAttributes({
        ...ruleSetAttributes(result.ruleSet),
        'ensign.compile.diagnostics': result.diagnostics.length,
        'ensign.compile.failing': result.objects.filter((o) => !o.ready).length,
      });
    return result;
  });
}

export function tracedPublish<T>(ruleSet: RuleSet, publish: (span: Span) => T): T {
  return inSpan(tracer, PUBLISH_SPAN, {}, (span) => {
    if (span.isRecording()) span.setAttributes(ruleSetAttributes(ruleSet));
    return publish(span);
  });
}

/** A rule set written to one sidecar's stream, as an event on the publish span that caused it. */
export function recordSend(sidecarId: string, identity: string, namespace: string, revision: string): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording() !== true) return;
  span.addEvent(SEND_EVENT, {
    'ensign.sidecar.id': sidecarId,
    'ensign.sidecar.identity': identity,
    'k8s.namespace.name': namespace,
    'ensign.ruleset.revision': revision,
  });
}
