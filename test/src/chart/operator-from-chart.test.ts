// The real operator run exactly as the chart's Deployment runs it — its rendered arguments and
// downward-API environment, the ServiceAccount and RBAC that `helm install` created, the injection
// settings from the chart's ConfigMap — against the real API server. Only the listen addresses
// move to free loopback ports and the ConfigMap's file to a temp dir (no kubelet runs pods here).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { checked } from '../cluster/kubectl.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { EnsignProcess, freePort, tempDir, waitFor, waitForReady } from '../harness/processes.ts';
import { chartArgs, objectOf, renderChart, type KubeObject } from './chart-helm.ts';
import { deploymentArgs } from './pod-spec.ts';

let plane: ControlPlane;
let ns: string;
let operator: EnsignProcess | undefined;
let webhookPort: number;
const release = `ensign-${randomBytes(3).toString('hex')}`;
const podName = `${release}-operator-7d9f-abcde`;
let installed = false;

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  return checked(await plane.kubectl(args, input === undefined ? {} : { input }), args);
}

async function kubectlJson<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectlOk([...args, '-o', 'json'])) as T;
}

/** The Deployment's args with listen addresses on loopback ports and the config file moved. */
function localArgs(args: readonly string[], ports: Record<string, number>, injectionFile: string): string[] {
  return args.map((arg) => {
    const flag = /^--([a-z-]+)=/.exec(arg)?.[1];
    if (flag !== undefined && flag in ports) return `--${flag}=127.0.0.1:${ports[flag] ?? 0}`;
    if (flag === 'injection-config') return `--injection-config=${injectionFile}`;
    return arg;
  });
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  ns = await plane.createNamespace('ensign-chart-run');
  const values = { release, namespace: ns, set: [`watchNamespaces={${ns}}`] };
  const install = ['install', ...chartArgs(values)];
  checked(await plane.helm(install, { timeoutMs: 120_000 }), install);
  installed = true;

  const objects: KubeObject[] = await renderChart((args, options) => plane.helm(args, options), values);
  const configMap = objectOf(objects, 'ConfigMap', `${release}-injection`) as KubeObject & {
    data: Record<string, string>;
  };
  const dir = await tempDir('chart-operator');
  const injectionFile = join(dir, 'injection.yaml');
  await writeFile(injectionFile, configMap.data['injection.yaml'] ?? '');
  const ports = {
    'sync-addr': await freePort(),
    'webhook-addr': await freePort(),
    'ops-addr': await freePort(),
  };
  webhookPort = ports['webhook-addr'];
  const kubeconfig = await plane.serviceAccountKubeconfig(ns, `${release}-operator`);
  operator = new EnsignProcess(
    'operator from the chart',
    [
      'operator/src/main.ts',
      ...localArgs(deploymentArgs(objects), ports, injectionFile),
      `--kubeconfig=${kubeconfig}`,
    ],
    // What the downward API puts into the pod's env (fieldRef metadata.namespace / metadata.name).
    { ENSIGN_OPERATOR_NAMESPACE: ns, ENSIGN_LEADER_ELECTION_NAMESPACE: ns, ENSIGN_POD_NAME: podName },
  );
  await waitForReady(operator, ports['ops-addr'], 60_000);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  const uninstall = ['uninstall', release, '--namespace', ns];
  if (installed) checked(await plane.helm(uninstall), ['helm', ...uninstall]);
});

describe('the operator as the chart deploys it', () => {
  it('creates its certificate Secret and fills in the caBundle of the chart’s webhook configuration', async () => {
    const caBundle = await waitFor(
      'caBundle of the webhook configuration',
      async () => {
        const configuration = await kubectlJson<{ webhooks: { clientConfig: { caBundle?: string } }[] }>([
          'get',
          'mutatingwebhookconfiguration',
          `${release}-inject`,
        ]);
        const bundles = configuration.webhooks.map((w) => w.clientConfig.caBundle ?? '');
        return bundles.every((b) => b !== '') ? bundles : undefined;
      },
      30_000,
    );
    expect(new Set(caBundle).size).toBe(1);
    expect(Buffer.from(caBundle[0] ?? '', 'base64').toString('utf8')).toContain(
      '-----BEGIN CERTIFICATE-----',
    );
    const secret = await kubectlJson<{ metadata: { name: string } }>([
      'get',
      'secret',
      `${release}-operator-certs`,
      '--namespace',
      ns,
    ]);
    expect(secret.metadata.name).toBe(`${release}-operator-certs`);
  });

  it('leads through the Lease the chart names, in the release namespace', async () => {
    const holder = await waitFor(
      'leader Lease',
      async () => {
        const got = await plane.kubectl([
          'get',
          'lease',
          `${release}-operator`,
          '--namespace',
          ns,
          '-o=jsonpath={.spec.holderIdentity}',
        ]);
        return got.code === 0 && got.stdout !== '' ? got.stdout : undefined;
      },
      30_000,
    );
    expect(holder).toContain(podName);
  });

  it('marks a Flag Ready using only the chart’s RBAC', async () => {
    await kubectlOk(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'ensign.dev/v1alpha1',
        kind: 'Flag',
        metadata: { name: 'chart-check', namespace: ns },
        spec: { type: 'Boolean', enabled: true },
      }),
    );
    const ready = await waitFor(
      'Flag Ready',
      async () => {
        const flag = await kubectlJson<{ status?: { conditions?: { type: string; status: string }[] } }>([
          'get',
          'flag.ensign.dev',
          'chart-check',
          '--namespace',
          ns,
        ]);
        return flag.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
          ? true
          : undefined;
      },
      30_000,
    );
    expect(ready).toBe(true);
  });

  it('serves the injection webhook with a certificate for the chart’s Service, trusted through the caBundle', async () => {
    const configuration = await kubectlJson<{
      webhooks: {
        clientConfig: { caBundle: string; service: { name: string; namespace: string; path: string } };
      }[];
    }>(['get', 'mutatingwebhookconfiguration', `${release}-inject`]);
    const { caBundle, service } = (configuration.webhooks[0] as (typeof configuration.webhooks)[number])
      .clientConfig;
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'chart-review-1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        operation: 'CREATE',
        namespace: 'shop',
        object: {
          metadata: { name: 'app', namespace: 'shop', annotations: { 'ensign.dev/inject': 'true' } },
          spec: {
            serviceAccountName: 'app',
            containers: [{ name: 'app', image: 'registry.example.com/app:1' }],
          },
        },
      },
    };
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: webhookPort,
          path: service.path,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // What the API server checks: the certificate names <service>.<namespace>.svc and
          // chains to the caBundle the operator patched in.
          servername: `${service.name}.${service.namespace}.svc`,
          ca: Buffer.from(caBundle, 'base64').toString('utf8'),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.once('error', reject);
      req.end(JSON.stringify(review));
    });
    expect(reply.status).toBe(200);
    const response = (JSON.parse(reply.body) as { response: { allowed: boolean; patch?: string } }).response;
    expect(response.allowed).toBe(true);
    const patch = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as {
      path: string;
      value: unknown;
    }[];
    const sidecar = patch.find((op) => op.path === '/spec/initContainers')?.value as
      { name: string; image: string; env: { name: string; value?: string }[] }[] | undefined;
    expect(sidecar?.[0]?.name).toBe('ensign-sidecar');
    expect(sidecar?.[0]?.image).toBe('ghcr.io/ensign-dev/ensign-sidecar:0.1.0');
    expect(sidecar?.[0]?.env.find((e) => e.name === 'ENSIGN_OPERATOR_ADDR')?.value).toBe(
      `${release}-operator.${ns}.svc:8443`,
    );
  });
});
