// Traces end to end: the real operator (dir mode) and sidecars export over OTLP/gRPC to a receiver
// in this process. Evaluations carry a W3C `traceparent` (gRPC metadata, HTTP header) and their
// spans must join the caller's trace; a flag-file edit must show up as operator spans.
import { randomBytes } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fliptGrpcClient } from '../harness/grpc-client.ts';
import type { GrpcEvaluationClient } from '../harness/grpc-client.ts';
import {
  EnsignProcess,
  freePort,
  REPO_ROOT,
  sidecarPorts,
  tempDir,
  waitFor,
  waitForReady,
} from '../harness/processes.ts';
import type { SidecarPorts } from '../harness/processes.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.ts';

interface Sidecar {
  readonly proc: EnsignProcess;
  readonly ports: SidecarPorts;
  readonly http: string;
}

let receiver: OtlpReceiver;
let flagsDir: string;
let operator: EnsignProcess;
let syncPort: number;
let sidecar: Sidecar;
let grpcClient: GrpcEvaluationClient;

function otelEnv(pod: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_RESOURCE_ATTRIBUTES: `k8s.pod.name=${pod},k8s.namespace.name=tracing-test`,
    ...extra,
  };
}

async function startSidecar(pod: string, env: Record<string, string>): Promise<Sidecar> {
  const ports = await sidecarPorts();
  const proc = new EnsignProcess(
    `sidecar ${pod}`,
    [
      'sidecar/src/main.ts',
      '--sync-insecure',
      `--operator-addr=127.0.0.1:${syncPort}`,
      '--auth=none',
      '--namespaces=default,shop',
      `--grpc-addr=127.0.0.1:${ports.grpc}`,
      `--http-addr=127.0.0.1:${ports.http}`,
      `--ops-addr=127.0.0.1:${ports.ops}`,
      `--state-dir=${await tempDir('tracing-state')}`,
    ],
    env,
  );
  await waitForReady(proc, ports.ops);
  return { proc, ports, http: `http://127.0.0.1:${ports.http}` };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  flagsDir = await tempDir('tracing-flags');
  await cp(join(REPO_ROOT, 'examples'), flagsDir, { recursive: true });
  syncPort = await freePort();
  const opsPort = await freePort();
  operator = new EnsignProcess(
    'operator',
    [
      'operator/src/main.ts',
      `--source=dir:${flagsDir}`,
      '--sync-insecure',
      `--sync-addr=127.0.0.1:${syncPort}`,
      `--ops-addr=127.0.0.1:${opsPort}`,
      '--debounce-ms=20',
    ],
    otelEnv('operator-0', { OTEL_SERVICE_NAME: '' }),
  );
  await waitForReady(operator, opsPort);
  sidecar = await startSidecar('shop-7d9', otelEnv('shop-7d9'));
  grpcClient = fliptGrpcClient(`127.0.0.1:${sidecar.ports.grpc}`);
});

afterAll(async () => {
  grpcClient.close();
  await Promise.all([sidecar.proc.stop(), operator.stop()]);
  await receiver.close();
});

/** A fresh caller span: the context an instrumented app would send with its request. */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function childOf(caller: { traceId: string; spanId: string }, name: string): Promise<ReceivedSpan> {
  return waitFor(
    `span "${name}" under the caller's span`,
    () =>
      receiver.spans.find(
        (s) => s.traceId === caller.traceId && s.parentSpanId === caller.spanId && s.name === name,
      ),
    10_000,
  );
}

describe('evaluation spans exported by the sidecar', () => {
  it('continues the caller’s trace from gRPC `traceparent` metadata', async () => {
    const caller = callerContext();
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', caller.traceparent);
    const answer = await grpcClient.call<{ enabled: boolean }>(
      'Boolean',
      { namespaceKey: 'default', flagKey: 'payments-enabled', entityId: 'user-1' },
      metadata,
    );
    expect(answer.enabled).toBe(true);
    const span = await childOf(caller, 'flipt.evaluation.EvaluationService/Boolean');
    expect(span.kind).toBe('SPAN_KIND_SERVER');
    expect(span.attributes).toMatchObject({
      'rpc.system.name': 'grpc',
      'rpc.method': 'flipt.evaluation.EvaluationService/Boolean',
      'rpc.status_code': 'OK',
      'feature_flag.key': 'payments-enabled',
      'feature_flag.provider.name': 'ensign',
      'feature_flag.result.reason': 'default',
      'feature_flag.result.value': true,
      'feature_flag.context.id': 'user-1',
      'feature_flag.set.id': 'default',
    });
    expect(span.resource).toMatchObject({
      'service.name': 'ensign-sidecar',
      'service.version': '0.1.0',
      'k8s.pod.name': 'shop-7d9',
      'k8s.namespace.name': 'tracing-test',
    });
    expect(span.scope).toBe('ensign-sidecar');
  });

  it('records each flag of a gRPC Batch as a feature_flag.evaluation event', async () => {
    const caller = callerContext();
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', caller.traceparent);
    await grpcClient.call(
      'Batch',
      {
        requests: [
          { namespaceKey: 'default', flagKey: 'payments-enabled', entityId: 'user-2' },
          { namespaceKey: 'default', flagKey: 'no-such-flag', entityId: 'user-2' },
        ],
      },
      metadata,
    );
    const span = await childOf(caller, 'flipt.evaluation.EvaluationService/Batch');
    expect(span.events.map((e) => [e.name, e.attributes['feature_flag.key']])).toEqual([
      ['feature_flag.evaluation', 'payments-enabled'],
      ['feature_flag.evaluation', 'no-such-flag'],
    ]);
    expect(span.events[1]?.attributes).toMatchObject({
      'feature_flag.result.reason': 'error',
      'error.type': 'flag_not_found',
    });
  });

  it('continues the caller’s trace from the HTTP `traceparent` header on Flipt REST', async () => {
    const caller = callerContext();
    const res = await fetch(`${sidecar.http}/evaluate/v1/variant`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent, 'content-type': 'application/json' },
      body: JSON.stringify({ flagKey: 'checkout-button', entityId: 'user-3' }),
    });
    const body = (await res.json()) as { variantKey: string; reason: string };
    const span = await childOf(caller, 'POST /evaluate/v1/variant');
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/evaluate/v1/variant',
      'http.response.status_code': 200,
      'feature_flag.key': 'checkout-button',
      'feature_flag.context.id': 'user-3',
    });
    if (body.variantKey === '') expect(span.attributes).not.toHaveProperty('feature_flag.result.variant');
    else expect(span.attributes['feature_flag.result.variant']).toBe(body.variantKey);
    expect(span.attributes['feature_flag.result.reason']).toBe(
      { MATCH_EVALUATION_REASON: 'targeting_match', DEFAULT_EVALUATION_REASON: 'default' }[body.reason],
    );
  });

  it('traces OFREP single-flag evaluations and their errors', async () => {
    const caller = callerContext();
    await fetch(`${sidecar.http}/ofrep/v1/evaluate/flags/payments-enabled`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'user-4' } }),
    });
    const span = await childOf(caller, 'POST /ofrep/v1/evaluate/flags/{key}');
    expect(span.attributes).toMatchObject({
      'url.path': '/ofrep/v1/evaluate/flags/payments-enabled',
      'feature_flag.key': 'payments-enabled',
      'feature_flag.result.value': true,
      'feature_flag.context.id': 'user-4',
    });

    const failing = callerContext();
    const res = await fetch(`${sidecar.http}/ofrep/v1/evaluate/flags/payments-enabled`, {
      method: 'POST',
      headers: { traceparent: failing.traceparent, 'content-type': 'application/json' },
      body: JSON.stringify({ context: {} }),
    });
    expect(res.status).toBe(400);
    const refused = await childOf(failing, 'POST /ofrep/v1/evaluate/flags/{key}');
    expect(refused.attributes).toMatchObject({
      'error.type': 'targeting_key_missing',
      'feature_flag.result.reason': 'error',
      'http.response.status_code': 400,
    });
  });

  it('traces OFREP bulk evaluations with one event per flag', async () => {
    const caller = callerContext();
    await fetch(`${sidecar.http}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'user-5' } }),
    });
    const span = await childOf(caller, 'POST /ofrep/v1/evaluate/flags');
    const keys = span.events.map((e) => e.attributes['feature_flag.key']);
    expect(keys).toContain('payments-enabled');
    expect(span.events.every((e) => e.name === 'feature_flag.evaluation')).toBe(true);
  });
});

describe('operator spans', () => {
  it('traces the reconcile, compile and publish of a namespace after a flag file is edited', async () => {
    const flagsFile = join(flagsDir, 'default/flags.yaml');
    const original = await readFile(flagsFile, 'utf8');
    const edited = original.replace(
      'enabled: true\n  description: Turn off',
      'enabled: false\n  description: Turn off',
    );
    expect(edited).not.toBe(original);
    const before = receiver.spans.length;
    await writeFile(flagsFile, edited);
    const publish = await waitFor(
      'publish span of the edited namespace, with the send to the sidecar',
      () =>
        receiver.spans
          .slice(before)
          .find(
            (s) =>
              s.name === 'ensign.publish' &&
              s.attributes['k8s.namespace.name'] === 'default' &&
              s.events.some((e) => e.name === 'ensign.sync.send'),
          ),
      10_000,
    );
    const reconcile = receiver.spans.find((s) => s.spanId === publish.parentSpanId);
    expect(reconcile?.name).toBe('ensign.reconcile');
    expect(reconcile?.attributes).toMatchObject({
      'k8s.namespace.name': 'default',
      'ensign.source': 'dir',
      'ensign.ruleset.published': true,
    });
    const compile = receiver.spans.find(
      (s) => s.name === 'ensign.compile' && s.parentSpanId === reconcile?.spanId,
    );
    const revision = publish.attributes['ensign.ruleset.revision'];
    expect(compile?.attributes).toMatchObject({
      'k8s.namespace.name': 'default',
      'ensign.ruleset.revision': revision,
    });
    expect(compile?.attributes['ensign.ruleset.flags']).toBeGreaterThan(0);
    expect(publish.attributes['ensign.sync.watchers']).toBeGreaterThanOrEqual(1);
    expect(publish.events.find((e) => e.name === 'ensign.sync.send')?.attributes).toMatchObject({
      'k8s.namespace.name': 'default',
      'ensign.ruleset.revision': revision,
    });
    expect(publish.resource).toMatchObject({
      'service.name': 'ensign-operator',
      'k8s.pod.name': 'operator-0',
    });

    // The operator's log line about this publish carries the reconcile's trace and span ids.
    const logged = await waitFor('rule set published log line', () =>
      operator
        .logs()
        .find(
          (l) =>
            l['msg'] === 'rule set published' && l['namespace'] === 'default' && l['revision'] === revision,
        ),
    );
    expect(logged['trace_id']).toBe(reconcile?.traceId);
    expect(logged['span_id']).toBe(reconcile?.spanId);
    await writeFile(flagsFile, original);
  });
});

describe('tracing switched off or shutting down', () => {
  it('exports nothing when OTEL_SDK_DISABLED=true, even with an endpoint configured', async () => {
    const disabled = await startSidecar(
      'disabled-pod',
      otelEnv('disabled-pod', { OTEL_SDK_DISABLED: 'true' }),
    );
    const caller = callerContext();
    const res = await fetch(`${disabled.http}/evaluate/v1/boolean`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent },
      body: JSON.stringify({ flagKey: 'payments-enabled' }),
    });
    expect(res.status).toBe(200);
    expect(await disabled.proc.stop()).toBe(0);
    // A traced process exports what it buffered before it exits (next test), so after its exit
    // nothing more can arrive from it.
    expect(receiver.spans.filter((s) => s.resource['k8s.pod.name'] === 'disabled-pod')).toEqual([]);
  });

  it('exports the spans still buffered when the sidecar receives SIGTERM', async () => {
    // A batch delay far beyond the test: only the shutdown flush can deliver the span.
    const slow = await startSidecar('slow-pod', otelEnv('slow-pod', { OTEL_BSP_SCHEDULE_DELAY: '600000' }));
    const caller = callerContext();
    await fetch(`${slow.http}/evaluate/v1/boolean`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent },
      body: JSON.stringify({ flagKey: 'payments-enabled', entityId: 'user-6' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spans.some((s) => s.traceId === caller.traceId)).toBe(false);
    expect(await slow.proc.stop()).toBe(0);
    // Already here when the process has exited: shutdown waits for the export to be answered.
    const span = receiver.spans.find((s) => s.traceId === caller.traceId);
    expect(span?.name).toBe('POST /evaluate/v1/boolean');
    expect(span?.parentSpanId).toBe(caller.spanId);
    expect(span?.resource['k8s.pod.name']).toBe('slow-pod');
  });
});
