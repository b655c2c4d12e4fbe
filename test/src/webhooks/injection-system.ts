// The operator with its injection webhook against the test control plane: the real binary with the
// RBAC of deploy/operator-rbac.yaml, --cert-mode=files with certificates from a test CA, the
// webhook on 127.0.0.1, and a MutatingWebhookConfiguration built from injectionWebhooks() that
// calls it by URL (the API server cannot reach a Service: nothing runs pods here).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { injectionWebhooks } from '@ensign/operator/webhooks/webhook-configuration.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { kubectlOk, OPERATOR_NAMESPACE, operatorKubeconfig } from '../harness/cluster-operator.ts';
import { EnsignProcess, freePort, tempDir, waitFor, waitForReady } from '../harness/processes.ts';

export const INJECTION_CONFIG = `image: ghcr.io/ensign-dev/ensign-sidecar:0.1.0
imagePullPolicy: IfNotPresent
native: auto
operatorAddress: ensign-operator.ensign-system.svc:8443
resources: {requests: {cpu: 10m, memory: 64Mi}, limits: {memory: 128Mi}}
tokenExpirationSeconds: 600
logLevel: info
`;

export interface InjectingOperator {
  readonly proc: EnsignProcess;
  readonly opsPort: number;
  readonly webhookPort: number;
  /** The sync service, as `127.0.0.1:<port>`. */
  readonly syncAddress: string;
  /** PEM of the CA that signed the operator's certificates (what injected sidecars must trust). */
  readonly caPem: string;
  /** Name of the MutatingWebhookConfiguration registered for the test. */
  readonly configuration: string;
  /** Deletes the webhook configuration and stops the operator. */
  stop(): Promise<void>;
}

export async function startInjectingOperator(
  plane: ControlPlane,
  watchNamespaces: readonly string[],
): Promise<InjectingOperator> {
  const dir = await tempDir('injecting-operator');
  const ca = await createTestCa('Ensign operator CA');
  const serving = await ca.issue({
    dnsNames: ['ensign-operator.ensign-system.svc', 'ensign-operator.ensign-system.svc.cluster.local'],
    ipAddresses: ['127.0.0.1'],
  });
  const files = {
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
    ca: join(dir, 'ca.crt'),
    injection: join(dir, 'injection.yaml'),
  };
  await Promise.all([
    writeFile(files.cert, serving.certPem),
    writeFile(files.key, serving.keyPem),
    writeFile(files.ca, ca.certPem),
    writeFile(files.injection, INJECTION_CONFIG),
  ]);
  const kubeconfig = await operatorKubeconfig(plane);
  const [sync, ops, webhookPort] = [await freePort(), await freePort(), await freePort()];
  const proc = new EnsignProcess('injecting operator', [
    'operator/src/main.ts',
    '--source=kubernetes',
    '--leader-election=false',
    `--kubeconfig=${kubeconfig}`,
    `--watch-namespaces=${watchNamespaces.join(',')}`,
    `--operator-namespace=${OPERATOR_NAMESPACE}`,
    '--cert-mode=files',
    `--sync-addr=127.0.0.1:${sync}`,
    `--sync-tls-cert=${files.cert}`,
    `--sync-tls-key=${files.key}`,
    `--ca-file=${files.ca}`,
    `--ops-addr=127.0.0.1:${ops}`,
    `--webhook-addr=127.0.0.1:${webhookPort}`,
    `--webhook-tls-cert=${files.cert}`,
    `--webhook-tls-key=${files.key}`,
    `--injection-config=${files.injection}`,
  ]);
  await waitForReady(proc, ops, 30_000);

  const configuration = `ensign-inject-test-${randomBytes(3).toString('hex')}`;
  const webhooks = injectionWebhooks({
    serviceName: 'ensign-operator',
    serviceNamespace: OPERATOR_NAMESPACE,
    operatorNamespace: OPERATOR_NAMESPACE,
    // Fail, so a broken webhook fails the test instead of quietly leaving pods alone.
    failurePolicy: 'Fail',
    timeoutSeconds: 5,
  }).map(({ clientConfig, ...webhook }) => ({
    ...webhook,
    clientConfig: {
      url: `https://127.0.0.1:${webhookPort}${clientConfig.service.path}`,
      caBundle: Buffer.from(ca.certPem).toString('base64'),
    },
  }));
  await kubectlOk(
    plane,
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: configuration },
      webhooks,
    }),
  );
  return {
    proc,
    opsPort: ops,
    webhookPort,
    syncAddress: `127.0.0.1:${sync}`,
    caPem: ca.certPem,
    configuration,
    async stop() {
      await plane.kubectl(['delete', 'mutatingwebhookconfiguration', configuration, '--ignore-not-found']);
      await proc.stop();
    },
  };
}

export interface KubePod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; [key: string]: unknown };
  spec: {
    containers: { name: string; volumeMounts?: { mountPath: string }[]; [key: string]: unknown }[];
    initContainers?: { name: string; restartPolicy?: string; [key: string]: unknown }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Creates the pod through the API and returns it as the API server stored it. */
export async function createPod(plane: ControlPlane, pod: unknown, dryRun = false): Promise<KubePod> {
  const args = ['create', '-f', '-', '-o', 'json', ...(dryRun ? ['--dry-run=server'] : [])];
  return JSON.parse(await kubectlOk(plane, args, JSON.stringify(pod))) as KubePod;
}

/** The API server reads webhook configurations through an informer: wait until ours is in use. */
export async function waitForWebhook(plane: ControlPlane, namespace: string): Promise<void> {
  await waitFor(
    'the API server to call the injection webhook',
    async () => {
      const pod = await createPod(
        plane,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'probe', namespace, annotations: { 'ensign.dev/inject': 'true' } },
          spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'app:1' }] },
        },
        true,
      );
      return pod.metadata.annotations?.['ensign.dev/injected'] === 'true' ? true : undefined;
    },
    20_000,
    250,
  );
}

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };

/**
 * A container's environment as the kubelet would give it: downward-API fields from `fields`, and
 * `$(VAR)` references to earlier variables expanded.
 */
export function containerEnvironment(
  env: readonly EnvVar[],
  fields: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of env) {
    const path = variable.valueFrom?.fieldRef?.fieldPath;
    if (path !== undefined) {
      const value = fields[path];
      if (value === undefined) throw new Error(`no value for the downward API field ${path}`);
      out[variable.name] = value;
    } else
      out[variable.name] = (variable.value ?? '').replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (ref, name: string) => out[name] ?? ref,
      );
  }
  return out;
}
