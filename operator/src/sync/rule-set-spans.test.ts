import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '@ensign/core/telemetry/test-support/in-memory-tracing.ts';
import { parseFlag } from '../api/parse.ts';
import type { Flag } from '../api/flag.ts';
import { compile } from '../compiler/compile.ts';
import { NamespaceReconciler } from '../controllers/namespace-reconciler.ts';
import { LocalController } from '../local/local-controller.ts';
import { ManualClock } from '../runtime/manual-clock.ts';
import { RuleSetHub } from './rule-set-hub.ts';
import { COMPILE_SPAN, PUBLISH_SPAN, RECONCILE_SPAN, recordSend, SEND_EVENT } from './rule-set-spans.ts';

const tracing = useInMemoryTracing();

beforeEach(() => {
  tracing.reset();
});

function flag(name: string, spec: object): Flag {
  const parsed = parseFlag({
    apiVersion: 'ensign.dev/v1alpha1',
    kind: 'Flag',
    metadata: { name, namespace: 'shop', generation: 1, uid: `uid-${name}`, resourceVersion: '1' },
    spec,
  });
  if (!parsed.ok) throw new Error(`fixture ${name} does not parse`);
  return parsed.value;
}

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
};

function hub(): RuleSetHub {
  return new RuleSetHub({
    emptyRuleSet: (namespace) => compile({ namespace, flags: [], segments: [] }).ruleSet,
    now: () => 0,
  });
}

describe('operator spans in dir mode', () => {
  it('traces a namespace reconcile with compile and publish inside it, and a send event per watcher', () => {
    const target = hub();
    // A watching sidecar stream, as the sync server's session does it: write on publish.
    target.watch('shop', (namespace, published) => {
      recordSend('sidecar-1', 'local', namespace, published.ruleSet.revision);
    });
    const controller = new LocalController({ publisher: target, logger: quiet });
    controller.handleSnapshot({
      namespaces: new Map([
        [
          'shop',
          {
            flags: [
              flag('checkout', { type: 'Boolean', enabled: true }),
              flag('broken', { type: 'Variant' }),
            ],
            segments: [],
            flagNamespace: undefined,
          },
        ],
      ]),
      errors: [],
    });
    const reconcile = tracing.span(RECONCILE_SPAN);
    const compiled = tracing.span(COMPILE_SPAN);
    const publish = tracing.span(PUBLISH_SPAN);
    const revision = controller.current('shop')?.revision;
    expect(revision).toBeDefined();
    expect(reconcile.attributes).toMatchObject({
      'k8s.namespace.name': 'shop',
      'ensign.source': 'dir',
      'ensign.ruleset.published': true,
    });
    expect(compiled.parentSpanContext?.spanId).toBe(reconcile.spanContext().spanId);
    expect(compiled.attributes).toMatchObject({
      'k8s.namespace.name': 'shop',
      'ensign.ruleset.revision': revision,
      'ensign.ruleset.flags': controller.current('shop')?.flags.length,
    });
    expect(compiled.attributes['ensign.compile.failing']).toBeGreaterThanOrEqual(0);
    expect(publish.parentSpanContext?.spanId).toBe(reconcile.spanContext().spanId);
    expect(publish.attributes).toMatchObject({
      'ensign.ruleset.revision': revision,
      'ensign.sync.watchers': 1,
    });
    expect(publish.attributes['ensign.ruleset.bytes']).toBeGreaterThan(0);
    expect(publish.events.map((e) => [e.name, e.attributes?.['ensign.sidecar.id']])).toEqual([
      [SEND_EVENT, 'sidecar-1'],
    ]);
  });

  it('counts objects that did not compile on the compile span', () => {
    const controller = new LocalController({ publisher: hub(), logger: quiet });
    controller.handleSnapshot({
      namespaces: new Map([
        [
          'shop',
          {
            flags: [
              flag('ghost', {
                type: 'Boolean',
                rollouts: [{ segment: { segments: ['missing'], value: true } }],
              }),
            ],
            segments: [],
            flagNamespace: undefined,
          },
        ],
      ]),
      errors: [],
    });
    const compiled = tracing.span(COMPILE_SPAN);
    expect(compiled.attributes['ensign.compile.failing']).toBe(1);
    expect(compiled.attributes['ensign.compile.diagnostics']).toBeGreaterThan(0);
  });

  it('publishes nothing, and so traces no publish, when the revision did not change', () => {
    const controller = new LocalController({ publisher: hub(), logger: quiet });
    controller.handleSnapshot({
      namespaces: new Map([
        ['shop', { flags: [flag('a', { type: 'Boolean' })], segments: [], flagNamespace: undefined }],
      ]),
      errors: [],
    });
    tracing.reset();
    controller.handleSnapshot({
      namespaces: new Map([
        ['shop', { flags: [flag('a', { type: 'Boolean' })], segments: [], flagNamespace: undefined }],
      ]),
      errors: [],
    });
    expect(
      tracing
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual([COMPILE_SPAN, RECONCILE_SPAN]);
    expect(tracing.span(RECONCILE_SPAN).attributes['ensign.ruleset.published']).toBe(false);
  });
});

describe('operator spans in Kubernetes mode', () => {
  function reconciler(patchCode: number | undefined): NamespaceReconciler {
    const checkout = flag('checkout', { type: 'Boolean', enabled: true });
    return new NamespaceReconciler({
      caches: { flags: () => [checkout], segments: () => [], flagNamespace: () => undefined },
      publisher: hub(),
      sink: {
        patchStatus: () =>
          Promise.resolve(
            patchCode === undefined
              ? { ok: true, value: {} }
              : { ok: false, error: { code: patchCode, reason: 'InternalError', message: 'etcd is down' } },
          ),
        recordEvent: () => Promise.resolve({ ok: true, value: {} }),
      },
      isLeader: () => true,
      sidecars: () => ({ connected: 0, inSync: 0 }),
      clock: new ManualClock(),
      logger: quiet,
    });
  }

  it('traces reconcile with its compile and publish, and the status writes it made', async () => {
    const result = await reconciler(undefined).reconcile('shop');
    expect(result.ok).toBe(true);
    const reconcile = tracing.span(RECONCILE_SPAN);
    expect(reconcile.attributes).toMatchObject({
      'k8s.namespace.name': 'shop',
      'ensign.source': 'kubernetes',
      'ensign.ruleset.revision': result.report.revision,
      'ensign.ruleset.published': true,
      'ensign.status.patched': result.report.patched,
    });
    expect(result.report.patched).toBeGreaterThan(0);
    for (const child of [COMPILE_SPAN, PUBLISH_SPAN])
      expect(tracing.span(child).parentSpanContext?.spanId).toBe(reconcile.spanContext().spanId);
    expect(reconcile.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks the reconcile span as an error when a status write fails', async () => {
    const result = await reconciler(500).reconcile('shop');
    expect(result.ok).toBe(false);
    const reconcile = tracing.span(RECONCILE_SPAN);
    expect(reconcile.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(reconcile.status.message).toContain('etcd is down');
    expect(reconcile.attributes['error.type']).toBe('500');
  });
});
