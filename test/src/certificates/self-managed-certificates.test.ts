// Self-managed certificates against the real API server, with the real operator binary running
// with exactly the RBAC of deploy/operator-rbac.yaml: the first start creates the Secret and puts
// its CA into the webhook configuration, a second replica reuses it, a wiped caBundle is repaired,
// and a sidecar trusts the sync server through the Secret's CA bundle.
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectionWebhooks } from '@ensign/operator/webhooks/webhook-configuration.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  kubectlJson,
  kubectlOk,
  metricValue,
  operatorKubeconfig,
  startClusterOperator,
  uniqueLeaseName,
  type ClusterOperator,
} from '../harness/cluster-operator.ts';
import { tempDir, waitFor, waitForReady, type EnsignProcess } from '../harness/processes.ts';
import { createServiceAccount, spawnSecureSidecar } from '../auth/secure-system.ts';
import { createOperatorNamespace, decoded, type SecretObject } from './operator-namespace.ts';

/** The name deploy/operator-rbac.yaml lets the operator patch. */
const CONFIGURATION = 'ensign-inject';
const SECRET = 'ensign-operator-certs';

let plane: ControlPlane;
let kubeconfig: string;
let operatorNamespace: string;
let appNamespace: string;
const leaseName = uniqueLeaseName('ensign-certs');
const running: EnsignProcess[] = [];

interface WebhookConfiguration {
  metadata: { resourceVersion: string };
  webhooks: { name: string; clientConfig: { caBundle?: string } }[];
}

function readSecret(): Promise<SecretObject> {
  return kubectlJson<SecretObject>(plane, ['get', 'secret', SECRET, '-n', operatorNamespace]);
}

function readConfiguration(): Promise<WebhookConfiguration> {
  return kubectlJson<WebhookConfiguration>(plane, ['get', 'mutatingwebhookconfiguration', CONFIGURATION]);
}

/** Every webhook's caBundle decoded, once all of them are set to the same value. */
async function waitForCaBundle(expected: string): Promise<WebhookConfiguration> {
  return waitFor(
    'the caBundle in every webhook',
    async () => {
      const config = await readConfiguration();
      const bundles = config.webhooks.map((w) =>
        Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString(),
      );
      return bundles.every((b) => b === expected) ? config : undefined;
    },
    30_000,
    200,
  );
}

async function operator(podName: string, extra: string[] = []): Promise<ClusterOperator> {
  const started = await startClusterOperator({
    kubeconfig,
    watchNamespaces: [appNamespace],
    leaseName,
    podName,
    extra: [`--operator-namespace=${operatorNamespace}`, ...extra],
  });
  running.push(started.proc);
  return started;
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  kubeconfig = await operatorKubeconfig(plane);
  operatorNamespace = await createOperatorNamespace(plane, 'ensign-certs');
  appNamespace = await plane.createNamespace('certs-app');
  await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('checkout', appNamespace, { enabled: true }));
  // As the chart renders it: no caBundle. A leftover from an interrupted run is replaced.
  await plane.kubectl(['delete', 'mutatingwebhookconfiguration', CONFIGURATION, '--ignore-not-found']);
  const webhooks = injectionWebhooks({
    serviceName: 'ensign-operator',
    serviceNamespace: operatorNamespace,
    operatorNamespace,
    failurePolicy: 'Ignore',
    timeoutSeconds: 2,
  });
  await kubectlOk(
    plane,
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: CONFIGURATION },
      webhooks,
    }),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await plane.kubectl(['delete', 'mutatingwebhookconfiguration', CONFIGURATION, '--ignore-not-found']);
});

describe('self-managed certificates', () => {
  let first: ClusterOperator;
  let secret: SecretObject;

  it('creates the certificate Secret on first start and patches its CA into every webhook', async () => {
    expect((await plane.kubectl(['get', 'secret', SECRET, '-n', operatorNamespace])).code).not.toBe(0);
    first = await operator('certs-a', ['--sync-insecure=false']);
    secret = await readSecret();
    expect(Object.keys(secret.data).sort()).toEqual([
      'ca-bundle.crt',
      'ca.crt',
      'ca.key',
      'sync.crt',
      'sync.key',
      'webhook.crt',
      'webhook.key',
    ]);
    expect(secret.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('ensign-operator');
    const ca = new X509Certificate(decoded(secret, 'ca.crt'));
    const webhook = new X509Certificate(decoded(secret, 'webhook.crt'));
    expect(ca.ca).toBe(true);
    expect(webhook.verify(ca.publicKey)).toBe(true);
    expect(webhook.subjectAltName).toContain(`DNS:ensign-operator.${operatorNamespace}.svc`);

    const config = await waitForCaBundle(decoded(secret, 'ca-bundle.crt'));
    expect(config.webhooks.map((w) => w.name)).toEqual([
      'pods.inject.ensign.dev',
      'namespaces.inject.ensign.dev',
    ]);
    expect(
      await metricValue(first.ports.ops, 'ensign_operator_certificate_expiry_timestamp_seconds'),
    ).toBeGreaterThan(3 * (Date.now() / 1000));
  });

  it('serves sync to a sidecar that trusts the CA bundle from the Secret', async () => {
    const dir = await tempDir('certs-sidecar');
    const caFile = join(dir, 'ca-bundle.crt');
    await writeFile(caFile, decoded(secret, 'ca-bundle.crt'));
    await createServiceAccount(plane, appNamespace, 'web');
    const token = await plane.createServiceAccountToken(appNamespace, 'web', { audience: 'ensign' });
    const sidecar = await spawnSecureSidecar(
      {
        proc: first.proc,
        address: `127.0.0.1:${first.ports.sync}`,
        opsPort: first.ports.ops,
        caFile,
        otherCaFile: caFile,
        dir,
      },
      { namespaces: [appNamespace], token, serverName: `ensign-operator.${operatorNamespace}.svc` },
    );
    running.push(sidecar.proc);
    // Ready only once the rule set arrived over TLS (and the sidecar's token was reviewed).
    await waitForReady(sidecar.proc, sidecar.ports.ops, 30_000);
    const res = await fetch(`${sidecar.httpUrl}/evaluate/v1/boolean`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ namespaceKey: appNamespace, flagKey: 'checkout', entityId: 'e1' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ enabled: true });
  });

  it('repairs a caBundle that was wiped from the webhook configuration', async () => {
    const config = await readConfiguration();
    await kubectlOk(plane, [
      'patch',
      'mutatingwebhookconfiguration',
      CONFIGURATION,
      '--type=json',
      `-p=${JSON.stringify(config.webhooks.map((_, i) => ({ op: 'remove', path: `/webhooks/${i}/clientConfig/caBundle` })))}`,
    ]);
    const wiped = await readConfiguration();
    expect(wiped.webhooks.every((w) => w.clientConfig.caBundle === undefined)).toBe(true);
    await waitForCaBundle(decoded(secret, 'ca-bundle.crt'));
  });

  it('lets a second replica reuse the Secret: same CA, no new write', async () => {
    const second = await operator('certs-b');
    const after = await readSecret();
    expect(after.metadata.resourceVersion).toBe(secret.metadata.resourceVersion);
    expect(decoded(after, 'ca.crt')).toBe(decoded(secret, 'ca.crt'));
    expect(await metricValue(second.ports.ops, 'ensign_operator_certificate_expiry_timestamp_seconds')).toBe(
      await metricValue(first.ports.ops, 'ensign_operator_certificate_expiry_timestamp_seconds'),
    );
    // And after a full restart of both: still the same Secret.
    await Promise.all([first.proc.stop(), second.proc.stop()]);
    const third = await operator('certs-c');
    expect((await readSecret()).metadata.resourceVersion).toBe(secret.metadata.resourceVersion);
    await waitForCaBundle(decoded(secret, 'ca-bundle.crt'));
    await third.proc.stop();
  });
});
