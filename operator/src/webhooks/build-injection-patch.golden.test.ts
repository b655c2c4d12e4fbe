// Golden tests of the injection patch: for each pod in testdata, the patch and the pod it makes
// are compared with testdata/<case>.golden.json. Regenerate deliberately with UPDATE_GOLDEN=1 and
// review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { podSchema } from './admission-review.ts';
import { buildInjectionPatch } from './build-injection-patch.ts';
import { parseInjectionConfig, type InjectionConfig } from './injection-config.ts';
import type { SidecarContext } from './sidecar-container.ts';
import { applyJsonPatch } from './testdata/apply-json-patch.ts';

const CONFIG_YAML = `
image: ghcr.io/ensign-dev/ensign-sidecar:0.1.0
imagePullPolicy: IfNotPresent
native: auto
operatorAddress: ensign-operator.ensign-system.svc:8443
resources: {requests: {cpu: 10m, memory: 96Mi}, limits: {memory: 256Mi}}
env:
  - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.monitoring:4317"}
  - {name: OTEL_RESOURCE_ATTRIBUTES, value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)"}
tokenExpirationSeconds: 600
logLevel: info
`;
const CA = '-----BEGIN CERTIFICATE-----\nMIIB-test-ca\n-----END CERTIFICATE-----\n';

function config(): InjectionConfig {
  const parsed = parseInjectionConfig(CONFIG_YAML, 'injection.yaml');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const context = (native: boolean, more: Partial<SidecarContext> = {}): SidecarContext => ({
  config: config(),
  native,
  caBundle: CA,
  syncServerName: undefined,
  ...more,
});

const app = { name: 'app', image: 'registry.example/shop/web:1.4.2' };

/** Each case: a pod as the API server sends it to the webhook, and the context it is injected with. */
const CASES: Record<string, { pod: unknown; context: SidecarContext }> = {
  annotated: {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'web-', annotations: { 'ensign.dev/inject': 'true' } },
      spec: { serviceAccountName: 'web', containers: [app] },
    },
    context: context(true),
  },
  'labelled-namespace': {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { serviceAccountName: 'web', containers: [app] },
    },
    context: context(true),
  },
  'existing-lists': {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'example.com/owner': 'shop' } },
      spec: {
        serviceAccountName: 'web',
        initContainers: [
          { name: 'migrate', image: 'registry.example/shop/migrate:1', env: [{ name: 'A', value: '1' }] },
        ],
        containers: [
          {
            ...app,
            env: [
              { name: 'OFREP_ENDPOINT', value: 'http://flags.example:8016' },
              { name: 'B', value: '2' },
            ],
          },
          {
            name: 'worker',
            image: 'registry.example/shop/worker:1',
            env: [{ name: 'ENSIGN_GRPC_ADDR', value: 'x:1' }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'web' } }],
      },
    },
    context: context(true),
  },
  fallback: {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', annotations: { 'ensign.dev/inject': 'true' } },
      spec: {
        serviceAccountName: 'web',
        initContainers: [{ name: 'migrate', image: 'registry.example/shop/migrate:1' }],
        containers: [app],
      },
    },
    context: context(false),
  },
  overrides: {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web',
        annotations: {
          'ensign.dev/inject': 'true',
          'ensign.dev/cpu-request': '50m',
          'ensign.dev/memory-request': '96Mi',
          'ensign.dev/cpu-limit': '500m',
          'ensign.dev/memory-limit': '256Mi',
          'ensign.dev/namespaces': 'shared, payments',
          'ensign.dev/log-level': 'debug',
          'ensign.dev/app-env': 'false',
        },
      },
      spec: { serviceAccountName: 'web', containers: [app] },
    },
    context: context(true, {
      caBundle: undefined,
      config: { ...config(), operatorAddress: '10.0.0.17:8443' },
      syncServerName: 'ensign-operator.ensign-system.svc',
    }),
  },
};

async function render(value: unknown, file: URL): Promise<string> {
  const options = await resolveConfig(fileURLToPath(file));
  return format(JSON.stringify(value, null, 2), { ...options, parser: 'json' });
}

describe('buildInjectionPatch golden files', () => {
  for (const [name, { pod, context: ctx }] of Object.entries(CASES)) {
    it(`injects the ${name} pod as testdata/${name}.golden.json shows`, async () => {
      const parsed = podSchema.parse(pod);
      const result = buildInjectionPatch(parsed, ctx);
      if (!result.ok) throw new Error(result.error);
      const actual = { patch: result.patch, pod: applyJsonPatch(pod, result.patch) };
      const golden = new URL(`testdata/${name}.golden.json`, import.meta.url);
      const text = await render(actual, golden);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

describe('the token mount for app containers', () => {
  it('leaves a container alone that already mounts something at the token path', () => {
    const pod = podSchema.parse({
      metadata: { annotations: { 'ensign.dev/inject': 'true' } },
      spec: {
        serviceAccountName: 'web',
        containers: [
          {
            ...app,
            volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/ensign.dev/serviceaccount' }],
          },
          { name: 'worker', image: app.image },
        ],
      },
    });
    const result = buildInjectionPatch(pod, context(true));
    if (!result.ok) throw new Error(result.error);
    const mountPaths = result.patch.filter((op) => op.path.includes('volumeMounts')).map((op) => op.path);
    expect(mountPaths).toEqual(['/spec/containers/1/volumeMounts']);
  });
});
