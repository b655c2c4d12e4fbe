// Operator spans in Kubernetes mode: the real operator against the shared kube-apiserver, with its
// ServiceAccount's RBAC, exporting over OTLP/gRPC to a receiver in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  isReady,
  kubectlOk,
  OPERATOR_NAMESPACE,
  operatorKubeconfig,
  uniqueLeaseName,
  waitForStatus,
} from '../harness/cluster-operator.ts';
import { EnsignProcess, freePort, waitFor, waitForReady } from '../harness/processes.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.ts';

let plane: ControlPlane;
let ns: string;
let receiver: OtlpReceiver;
let operator: EnsignProcess;

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  const kubeconfig = await operatorKubeconfig(plane);
  ns = await plane.createNamespace('tracing');
  receiver = await startOtlpReceiver();
  const ports = { sync: await freePort(), ops: await freePort() };
  // The harness's cluster operator, plus the OTLP environment.
  operator = new EnsignProcess(
    'operator',
    [
      'operator/src/main.ts',
      '--source=kubernetes',
      `--kubeconfig=${kubeconfig}`,
      `--watch-namespaces=${ns}`,
      `--leader-election-namespace=${OPERATOR_NAMESPACE}`,
      `--operator-namespace=${OPERATOR_NAMESPACE}`,
      `--lease-name=${uniqueLeaseName('ensign-tracing')}`,
      '--pod-name=operator-tracing',
      '--sync-insecure',
      `--sync-addr=127.0.0.1:${ports.sync}`,
      `--ops-addr=127.0.0.1:${ports.ops}`,
    ],
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
  );
  await waitForReady(operator, ports.ops, 30_000);
}, 180_000);

afterAll(async () => {
  await operator.stop();
  await receiver.close();
  await kubectlOk(plane, ['delete', 'namespace', ns, '--wait=false']);
});

describe('operator spans in Kubernetes mode', () => {
  it('traces the reconcile that compiles, publishes and writes the status of an applied Flag', async () => {
    await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('checkout', ns, { enabled: true }));
    const flag = await waitForStatus(plane, 'flag', ns, 'checkout', isReady('True'));
    const revision = flag.status?.revision;
    expect(revision).toMatch(/^[0-9a-f]{64}$/);
    const reconcile = await waitFor(
      'the reconcile span that published the Flag and patched its status',
      () =>
        receiver.spans.find(
          (s: ReceivedSpan) =>
            s.name === 'ensign.reconcile' &&
            s.attributes['k8s.namespace.name'] === ns &&
            s.attributes['ensign.ruleset.revision'] === revision &&
            Number(s.attributes['ensign.status.patched']) > 0,
        ),
      15_000,
    );
    expect(reconcile.attributes['ensign.source']).toBe('kubernetes');
    expect(reconcile.status.code).toBe('STATUS_CODE_UNSET');
    expect(reconcile.resource['service.name']).toBe('ensign-operator');
    const children = receiver.spans.filter((s) => s.parentSpanId === reconcile.spanId).map((s) => s.name);
    expect(children).toContain('ensign.compile');
    // The revision is published by whichever reconcile compiled it first; this one wrote the status.
    const published = receiver.spans.find(
      (s) => s.name === 'ensign.publish' && s.attributes['ensign.ruleset.revision'] === revision,
    );
    expect(published?.attributes['k8s.namespace.name']).toBe(ns);
  });
});
