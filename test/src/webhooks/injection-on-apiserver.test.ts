// Sidecar injection against the real kube-apiserver: pods created through the API come back exactly
// as testdata/<case>.golden.json shows (regenerate deliberately with UPDATE_GOLDEN=1 and review the
// diff). The API server evaluates the webhook configuration's selectors and CEL match conditions,
// applies the JSON patch, defaults and validates the result, and Pod Security admission checks it.
import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podSchema } from '@ensign/operator/webhooks/admission-review.ts';
import { buildInjectionPatch } from '@ensign/operator/webhooks/build-injection-patch.ts';
import { parseInjectionConfig } from '@ensign/operator/webhooks/injection-config.ts';
import { applyJsonPatch } from '@ensign/operator/webhooks/testdata/apply-json-patch.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { booleanFlagYaml, kubectlOk, metricValue, OPERATOR_NAMESPACE } from '../harness/cluster-operator.ts';
import { EnsignProcess, sidecarPorts, tempDir, waitForReady } from '../harness/processes.ts';
import {
  containerEnvironment,
  createPod,
  INJECTION_CONFIG,
  startInjectingOperator,
  waitForWebhook,
  type InjectingOperator,
  type KubePod,
} from './injection-system.ts';

let plane: ControlPlane;
let operator: InjectingOperator | undefined;
let plain: string;
let labelled: string;
let restricted: string;
const cleanup: [namespace: string, name: string][] = [];

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  [plain, labelled, restricted] = await Promise.all([
    plane.createNamespace('inject-plain'),
    plane.createNamespace('inject-labelled'),
    plane.createNamespace('inject-restricted'),
  ]);
  await kubectlOk(plane, ['label', 'namespace', labelled, 'ensign.dev/inject=enabled']);
  await kubectlOk(plane, [
    'label',
    'namespace',
    restricted,
    'ensign.dev/inject=enabled',
    'pod-security.kubernetes.io/enforce=restricted',
  ]);
  for (const ns of [plain, labelled, restricted])
    await kubectlOk(plane, ['create', 'serviceaccount', 'web', '-n', ns]);
  operator = await startInjectingOperator(plane, [plain, labelled, restricted]);
  await waitForWebhook(plane, plain);
});

afterAll(async () => {
  await operator?.stop();
  for (const [namespace, name] of cleanup)
    await plane.kubectl(['delete', 'pod', name, '-n', namespace, '--ignore-not-found', '--wait=false']);
});

function pod(namespace: string, name: string, annotations?: Record<string, string>, spec: object = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(annotations === undefined ? {} : { annotations }) },
    spec: {
      serviceAccountName: 'web',
      containers: [{ name: 'app', image: 'registry.example/shop/web:1.4.2' }],
      ...spec,
    },
  };
}

/** The stored pod without what changes from run to run: ids, times, namespace names, the test CA. */
function normalize(stored: KubePod): unknown {
  const {
    uid: _uid,
    resourceVersion: _rv,
    creationTimestamp: _ct,
    managedFields: _mf,
    ...metadata
  } = stored.metadata;
  let text = JSON.stringify({ ...stored, metadata }, null, 2);
  const replacements: [string, string][] = [
    [JSON.stringify(operator?.caPem ?? '').slice(1, -1), '<test CA PEM>'],
    [plain, '<plain namespace>'],
    [labelled, '<labelled namespace>'],
    [restricted, '<restricted namespace>'],
  ];
  for (const [from, to] of replacements) text = text.replaceAll(from, to);
  return JSON.parse(text);
}

async function expectGolden(name: string, stored: KubePod): Promise<void> {
  const golden = new URL(`testdata/${name}.golden.json`, import.meta.url);
  const options = await resolveConfig(fileURLToPath(golden));
  const text = await format(JSON.stringify(normalize(stored), null, 2), { ...options, parser: 'json' });
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
  expect(text).toBe(readFileSync(golden, 'utf8'));
}

async function created(namespace: string, object: unknown): Promise<KubePod> {
  const stored = await createPod(plane, object);
  cleanup.push([namespace, stored.metadata.name]);
  return stored;
}

const sidecarOf = (p: KubePod) =>
  [...(p.spec.initContainers ?? []), ...p.spec.containers].find((c) => c.name === 'ensign-sidecar');

describe('sidecar injection through the API server', () => {
  it('injects an annotated pod as a native sidecar that trusts the operator CA', async () => {
    const stored = await created(plain, pod(plain, 'annotated', { 'ensign.dev/inject': 'true' }));
    expect(stored.spec.initContainers?.[0]).toMatchObject({
      name: 'ensign-sidecar',
      restartPolicy: 'Always',
    });
    expect(stored.spec.initContainers?.[0]?.env).toContainEqual({
      name: 'ENSIGN_SYNC_CA_PEM',
      value: operator?.caPem,
    });
    await expectGolden('annotated', stored);
  });

  it('leaves a pod without the annotation in a namespace without the label alone', async () => {
    const stored = await created(plain, pod(plain, 'not-annotated'));
    expect(sidecarOf(stored)).toBeUndefined();
    await expectGolden('not-annotated', stored);
  });

  it('never injects into kube-system or the operator namespace, even when annotated', async () => {
    for (const namespace of ['kube-system', OPERATOR_NAMESPACE]) {
      const name = `annotated-${plain}`;
      const stored = await created(namespace, pod(namespace, name, { 'ensign.dev/inject': 'true' }));
      expect(sidecarOf(stored), namespace).toBeUndefined();
      expect(stored.metadata.annotations).toEqual({ 'ensign.dev/inject': 'true' });
    }
  });

  it('injects every pod of a labelled namespace and skips one that opted out', async () => {
    const injected = await created(labelled, pod(labelled, 'labelled'));
    expect(sidecarOf(injected)).toMatchObject({ restartPolicy: 'Always' });
    await expectGolden('labelled-namespace', injected);
    const optedOut = await created(labelled, pod(labelled, 'opted-out', { 'ensign.dev/inject': 'false' }));
    expect(sidecarOf(optedOut)).toBeUndefined();
    await expectGolden('opted-out', optedOut);
  });

  it('prepends the sidecar to existing init containers and appends to existing env and volumes', async () => {
    const stored = await created(
      labelled,
      pod(labelled, 'existing-lists', undefined, {
        initContainers: [{ name: 'migrate', image: 'registry.example/shop/migrate:1' }],
        containers: [
          {
            name: 'app',
            image: 'registry.example/shop/web:1.4.2',
            env: [{ name: 'OFREP_ENDPOINT', value: 'http://flags.example:8016' }],
            volumeMounts: [{ name: 'config', mountPath: '/config' }],
          },
        ],
        volumes: [{ name: 'config', emptyDir: {} }],
      }),
    );
    expect(stored.spec.initContainers?.map((c) => c.name)).toEqual(['ensign-sidecar', 'migrate']);
    expect(stored.spec.containers[0]?.env).toEqual([
      { name: 'OFREP_ENDPOINT', value: 'http://flags.example:8016' },
      { name: 'ENSIGN_GRPC_ADDR', value: '127.0.0.1:8413' },
      { name: 'ENSIGN_HTTP_ADDR', value: 'http://127.0.0.1:8414' },
      { name: 'ENSIGN_TOKEN_FILE', value: '/var/run/secrets/ensign.dev/serviceaccount/token' },
    ]);
    expect(stored.spec.containers[0]?.volumeMounts?.map((m) => m.mountPath)).toEqual([
      '/config',
      '/var/run/secrets/ensign.dev/serviceaccount',
    ]);
    await expectGolden('existing-lists', stored);
  });

  it('keeps an already injected pod as it is, whether the match conditions or the webhook notice', async () => {
    const skippedBefore = await metricValue(
      operator?.opsPort ?? 0,
      'ensign_operator_webhook_requests_total\\{result="skipped"\\}',
    );
    const sidecar = {
      name: 'ensign-sidecar',
      image: 'ghcr.io/ensign-dev/ensign-sidecar:0.0.9',
      restartPolicy: 'Always',
    };
    // Annotated as injected: the CEL match condition skips it without calling the webhook.
    const annotated = await created(
      labelled,
      pod(labelled, 'already-injected', { 'ensign.dev/injected': 'true' }, { initContainers: [sidecar] }),
    );
    await expectGolden('already-injected', annotated);
    // Only the sidecar container: the webhook is called and leaves the pod alone.
    const containerOnly = await created(
      labelled,
      pod(labelled, 'has-sidecar', undefined, { initContainers: [sidecar] }),
    );
    expect(containerOnly.spec.initContainers?.map((c) => c.name)).toEqual(['ensign-sidecar']);
    expect(containerOnly.metadata.annotations).toBeUndefined();
    const skippedAfter = await metricValue(
      operator?.opsPort ?? 0,
      'ensign_operator_webhook_requests_total\\{result="skipped"\\}',
    );
    expect(skippedAfter - skippedBefore).toBe(1);
  });

  it('injects a sidecar that passes the restricted Pod Security Standard', async () => {
    const app = {
      name: 'app',
      image: 'registry.example/shop/web:1.4.2',
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    };
    const stored = await created(restricted, pod(restricted, 'restricted', undefined, { containers: [app] }));
    expect(sidecarOf(stored)).toMatchObject({ name: 'ensign-sidecar' });
    // Pod Security is enforced here: a pod that is not compliant is refused.
    const result = await plane.kubectl(['create', '-f', '-'], {
      input: JSON.stringify(pod(restricted, 'not-restricted', { 'ensign.dev/inject': 'false' })),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('violates PodSecurity "restricted:latest"');
  });

  it('denies a pod whose override annotation does not parse, naming the annotation', async () => {
    const result = await plane.kubectl(['create', '-f', '-'], {
      input: JSON.stringify(
        pod(plain, 'bad-override', { 'ensign.dev/inject': 'true', 'ensign.dev/memory-limit': 'lots' }),
      ),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'admission webhook "pods.inject.ensign.dev" denied the request: Ensign sidecar injection: annotation ensign.dev/memory-limit: "lots" is not a Kubernetes quantity',
    );
  });

  it('accepts the fallback spec for clusters before 1.29: the sidecar as a regular container', async () => {
    const parsed = parseInjectionConfig(INJECTION_CONFIG, 'injection.yaml');
    if (!parsed.ok) throw new Error(parsed.error);
    const input = pod(plain, 'fallback', { 'ensign.dev/inject': 'true' });
    const patch = buildInjectionPatch(podSchema.parse(input), {
      config: parsed.value,
      native: false,
      caBundle: operator?.caPem,
      syncServerName: undefined,
    });
    if (!patch.ok) throw new Error(patch.error);
    // Already marked injected, so the webhook does not see it: this is the API server's verdict alone.
    const stored = await created(plain, applyJsonPatch(input, patch.patch));
    expect(stored.spec.initContainers).toBeUndefined();
    expect(stored.spec.containers.map((c) => c.name)).toEqual(['app', 'ensign-sidecar']);
    expect(stored.spec.containers[1]?.restartPolicy).toBeUndefined();
    await expectGolden('fallback', stored);
  });

  it('gives the sidecar an environment that connects it to the operator and makes it ready', async () => {
    await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('checkout', plain, { enabled: true }));
    const stored = await created(plain, pod(plain, 'runs', { 'ensign.dev/inject': 'true' }));
    const sidecar = stored.spec.initContainers?.[0] as unknown as {
      env: Parameters<typeof containerEnvironment>[0];
    };
    const env = containerEnvironment(sidecar.env, { 'metadata.name': 'runs', 'metadata.namespace': plain });
    expect(env.ENSIGN_SIDECAR_ID).toBe(`${plain}/runs`);
    // What the kubelet would provide: the projected token file and the state volume; and loopback
    // in place of the Service (this machine has no cluster DNS), checked against the same name.
    const dir = await tempDir('injected-sidecar');
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, await plane.createServiceAccountToken(plain, 'web', { audience: 'ensign' }));
    const ports = await sidecarPorts();
    const sidecarProcess = new EnsignProcess('injected sidecar', ['sidecar/src/main.ts'], {
      ...env,
      ENSIGN_OPERATOR_ADDR: operator?.syncAddress ?? '',
      ENSIGN_SYNC_SERVER_NAME: 'ensign-operator.ensign-system.svc',
      ENSIGN_TOKEN_FILE: tokenFile,
      ENSIGN_STATE_DIR: join(dir, 'state'),
      ENSIGN_GRPC_ADDR: `127.0.0.1:${ports.grpc}`,
      ENSIGN_HTTP_ADDR: `127.0.0.1:${ports.http}`,
      ENSIGN_OPS_ADDR: `127.0.0.1:${ports.ops}`,
    });
    try {
      await waitForReady(sidecarProcess, ports.ops, 30_000);
    } finally {
      await sidecarProcess.stop();
    }
  });

  it('counts injections in the operator metrics', async () => {
    expect(
      await metricValue(
        operator?.opsPort ?? 0,
        'ensign_operator_webhook_requests_total\\{result="injected"\\}',
      ),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await metricValue(
        operator?.opsPort ?? 0,
        'ensign_operator_webhook_requests_total\\{result="denied"\\}',
      ),
    ).toBe(1);
    const count = await metricValue(operator?.opsPort ?? 0, 'ensign_operator_webhook_duration_seconds_count');
    const sum = await metricValue(operator?.opsPort ?? 0, 'ensign_operator_webhook_duration_seconds_sum');
    expect(count).toBeGreaterThan(0);
    // The number behind the webhook's short timeout (docs/injection.md): time spent in the webhook.
    console.log(`webhook review: ${count} requests, mean ${((sum / count) * 1000).toFixed(2)} ms`);
  });
});
