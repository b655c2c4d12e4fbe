// charts/ensign rendered by the real helm (no cluster needed): lint, schema, and every place where
// the chart must agree with the code — operator flags, RBAC, webhooks, injection settings.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { OPERATOR_OPTIONS, parseOperatorConfig } from '@ensign/operator/config.ts';
import { testTool } from '../cluster/test-tools.ts';
import { parseInjectionConfig } from '@ensign/operator/webhooks/injection-config.ts';
import { injectionWebhooks } from '@ensign/operator/webhooks/webhook-configuration.ts';
import {
  CHART_DIR,
  chartArgs,
  FULL_VALUES,
  kindsOf,
  VALUES_CASES,
  objectOf,
  offlineHelm,
  renderChart,
  type Helm,
  type KubeObject,
} from './chart-helm.ts';
import { containerOf, deploymentArgs, podSpecOf, restrictedViolations } from './pod-spec.ts';

/** What the downward API gives the operator container in a pod of release ensign. */
const DOWNWARD_API_ENV = {
  ENSIGN_OPERATOR_NAMESPACE: 'ensign-system',
  ENSIGN_LEADER_ELECTION_NAMESPACE: 'ensign-system',
  ENSIGN_POD_NAME: 'ensign-operator-abc',
};

let helm: Helm;
let defaults: KubeObject[];
let full: KubeObject[];
const valuesDir = mkdtempSync(join(tmpdir(), 'ensign-chart-values-'));

function valuesFile(name: string, yaml: string): string {
  const path = join(valuesDir, name);
  writeFileSync(path, yaml);
  return path;
}

beforeAll(async () => {
  helm = await offlineHelm();
  defaults = await renderChart(helm);
  full = await renderChart(helm, { valuesFiles: [FULL_VALUES] });
});

describe('helm lint', () => {
  for (const [name, valuesFiles] of VALUES_CASES)
    it(`is clean with ${name}`, async () => {
      const result = await helm([
        'lint',
        '--strict',
        CHART_DIR,
        ...valuesFiles.flatMap((f) => ['--values', f]),
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('0 chart(s) failed');
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    });
});

describe('values.schema.json', () => {
  const cases = [
    { name: 'negative-replicas.yaml', yaml: 'replicaCount: -1\n', field: 'replicaCount' },
    {
      name: 'failure-policy.yaml',
      yaml: 'webhook:\n  failurePolicy: Maybe\n',
      field: 'webhook.failurePolicy',
    },
    { name: 'native.yaml', yaml: 'sidecar:\n  native: sometimes\n', field: 'sidecar.native' },
    { name: 'typo.yaml', yaml: 'sidecar:\n  nativ: auto\n', field: 'nativ' },
    { name: 'latest.yaml', yaml: 'image:\n  tag: latest\n', field: 'image.tag' },
    {
      name: 'token.yaml',
      yaml: 'sidecar:\n  tokenExpirationSeconds: 60\n',
      field: 'sidecar.tokenExpirationSeconds',
    },
    {
      name: 'reserved-env.yaml',
      yaml: 'sidecar:\n  env: [{name: ENSIGN_LOG_LEVEL, value: debug}]\n',
      field: 'sidecar.env.0.name',
    },
  ];

  for (const c of cases)
    it(`rejects ${c.yaml.trim().replace(/\n\s*/g, ' ')} naming ${c.field}`, async () => {
      const file = valuesFile(c.name, c.yaml);
      const template = await helm(['template', ...chartArgs({ valuesFiles: [file] })]);
      expect(template.code).not.toBe(0);
      expect(template.stderr).toContain("values don't meet the specifications of the schema");
      expect(template.stderr).toContain(c.field);
      const lint = await helm(['lint', CHART_DIR, '--values', file]);
      expect(lint.code).not.toBe(0);
      expect(lint.stdout + lint.stderr).toContain(c.field);
    });

  it('accepts `global`, which a parent chart passes to every subchart', async () => {
    const file = valuesFile('global.yaml', 'global:\n  imageRegistry: registry.example.com\n');
    const result = await helm(['template', ...chartArgs({ valuesFiles: [file] })]);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('rendered objects', () => {
  it('are the operator, its RBAC, webhook and PDB by default, and every optional object with full values', () => {
    const base = [
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'MutatingWebhookConfiguration',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ];
    expect(kindsOf(defaults)).toEqual(base);
    expect(kindsOf(full)).toEqual(
      [
        ...base,
        'Certificate',
        'Certificate',
        'ConfigMap',
        'Issuer',
        'Issuer',
        'NetworkPolicy',
        'PodMonitor',
        'PrometheusRule',
        'ServiceMonitor',
      ].sort(),
    );
  });

  it('all carry the standard app.kubernetes.io labels', () => {
    for (const object of [...defaults, ...full])
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': 'ensign',
        'app.kubernetes.io/instance': 'ensign',
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/component': 'operator',
        'app.kubernetes.io/part-of': 'ensign',
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': 'ensign-0.1.0',
      });
  });

  it('are named after the release: <release>-ensign, or the release name when it contains ensign', async () => {
    const acme = await renderChart(helm, { release: 'acme', namespace: 'flags' });
    expect(objectOf(acme, 'Deployment').metadata.name).toBe('acme-ensign-operator');
    expect(objectOf(acme, 'MutatingWebhookConfiguration').metadata.name).toBe('acme-ensign-inject');
    expect(objectOf(defaults, 'Deployment').metadata.name).toBe('ensign-operator');
    expect(objectOf(defaults, 'MutatingWebhookConfiguration').metadata.name).toBe('ensign-inject');
  });

  it('include a PodDisruptionBudget only with more than one replica', async () => {
    expect(objectOf(defaults, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
    const single = await renderChart(helm, { set: ['replicaCount=1', 'leaderElection.enabled=false'] });
    expect(kindsOf(single)).not.toContain('PodDisruptionBudget');
  });

  it('refuse Kubernetes older than 1.29', async () => {
    const result = await helm(['template', ...chartArgs(), '--kube-version', '1.28.9']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('>=1.29.0-0');
  });

  it('refuse several replicas without leader election', async () => {
    const result = await helm(['template', ...chartArgs({ set: ['leaderElection.enabled=false'] })]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('leaderElection.enabled=false allows only replicaCount: 1');
  });
});

describe('the operator Deployment', () => {
  it('passes only flags the operator declares, that parse together, and sets only ENSIGN_ variables it reads', async () => {
    const known = new Set(OPERATOR_OPTIONS.map((o) => o.name));
    const envs = new Set(OPERATOR_OPTIONS.map((o) => o.env));
    for (const [, valuesFiles] of VALUES_CASES) {
      const objects = await renderChart(helm, { valuesFiles });
      const args = deploymentArgs(objects);
      const names = args.map((a) => /^--([a-z0-9-]+)/.exec(a)?.[1]);
      expect(names.filter((n) => n === undefined || !known.has(n))).toEqual([]);
      const env = (containerOf(objects, 'operator').env ?? []).map((e) => e.name);
      expect(env.filter((name) => name.startsWith('ENSIGN_') && !envs.has(name))).toEqual([]);
      expect(() => parseOperatorConfig(args, DOWNWARD_API_ENV)).not.toThrow();
    }
  });

  it('starts an operator whose configuration parses, self-managed by default and with cert-manager files', () => {
    const downward = DOWNWARD_API_ENV;
    const selfManaged = parseOperatorConfig(deploymentArgs(defaults), downward) as Record<string, unknown>;
    expect(selfManaged).toMatchObject({
      source: { kind: 'kubernetes' },
      'leader-election': true,
      'leader-election-namespace': 'ensign-system',
      'lease-name': 'ensign-operator',
      'pod-name': 'ensign-operator-abc',
      'cert-mode': 'self-managed',
      'service-name': 'ensign-operator',
      'webhook-configuration': 'ensign-inject',
      'certificate-secret': 'ensign-operator-certs',
    });
    const files = parseOperatorConfig(deploymentArgs(full), downward) as Record<string, unknown>;
    expect(files).toMatchObject({
      'cert-mode': 'files',
      'sync-tls-cert': '/etc/ensign/tls/tls.crt',
      'ca-file': '/etc/ensign/tls/ca.crt',
      'watch-namespaces': ['payments', 'shop'],
      'log-level': 'debug',
    });
  });

  it('serves sync on 8443, the webhook on 9443 and probes on the ops port 8080', () => {
    const operator = containerOf(defaults, 'operator');
    expect(operator.ports).toEqual([
      { name: 'sync', containerPort: 8443, protocol: 'TCP' },
      { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(operator.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'metrics' } });
    expect(operator.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'metrics' } });
    const service = objectOf(defaults, 'Service').spec as { ports: unknown[] };
    expect(service.ports).toEqual([
      { name: 'sync', port: 8443, targetPort: 'sync', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'webhook', port: 9443, targetPort: 'webhook', protocol: 'TCP' },
      { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  it('runs with the restricted Pod Security Standard settings and a writable /tmp only', () => {
    for (const objects of [defaults, full]) {
      expect(restrictedViolations(podSpecOf(objects))).toEqual([]);
      const operator = containerOf(objects, 'operator');
      expect(operator.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsUser: 65532 });
      expect(operator.volumeMounts?.find((m) => m.mountPath === '/tmp')?.name).toBe('tmp');
    }
  });

  it('spreads replicas over nodes and zones by default, matching its own pods', () => {
    const spec = podSpecOf(defaults);
    const podLabels = (
      objectOf(defaults, 'Deployment').spec as { template: { metadata: { labels: object } } }
    ).template.metadata.labels;
    expect(spec.topologySpreadConstraints?.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
    for (const c of spec.topologySpreadConstraints ?? [])
      expect(podLabels).toMatchObject(c.labelSelector.matchLabels);
  });
});

describe('RBAC', () => {
  interface Rule {
    apiGroups: string[];
    resources: string[];
    resourceNames?: string[];
    verbs: string[];
  }
  const reference = parseAllDocuments(
    readFileSync(new URL('../../../deploy/operator-rbac.yaml', import.meta.url), 'utf8'),
  ).map((d) => d.toJS() as KubeObject & { rules?: Rule[]; subjects?: unknown[]; roleRef?: unknown });

  it('renders exactly the roles, rules and bindings of deploy/operator-rbac.yaml', () => {
    // Release "ensign" in namespace "ensign-system" gives the reference file's names.
    const pick = (o: KubeObject) => ({
      kind: o.kind,
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      rules: o.rules,
      subjects: o.subjects,
      roleRef: o.roleRef,
    });
    const kinds = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
    const rendered = defaults.filter((o) => kinds.includes(o.kind)).map(pick);
    expect(rendered).toEqual(
      expect.arrayContaining(reference.filter((o) => kinds.includes(o.kind)).map(pick)),
    );
    expect(rendered).toHaveLength(reference.filter((o) => kinds.includes(o.kind)).length);
  });

  it('names in resourceNames only objects of this release', async () => {
    const acme = await renderChart(helm, { release: 'acme', namespace: 'flags' });
    const names = acme.flatMap((o) => ((o.rules ?? []) as Rule[]).flatMap((r) => r.resourceNames ?? []));
    const args = deploymentArgs(acme);
    const ours = new Set([
      objectOf(acme, 'MutatingWebhookConfiguration').metadata.name,
      ...args.filter((a) => a.startsWith('--certificate-secret=')).map((a) => a.split('=')[1]),
    ]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !ours.has(n))).toEqual([]);
  });

  it('renders nothing of RBAC with rbac.create=false', async () => {
    const objects = await renderChart(helm, { set: ['rbac.create=false'] });
    expect(kindsOf(objects).filter((k) => k.includes('Role'))).toEqual([]);
  });
});

describe('the MutatingWebhookConfiguration', () => {
  it('holds exactly injectionWebhooks() for the release, with no caBundle', async () => {
    const acme = await renderChart(helm, {
      release: 'acme',
      namespace: 'flags',
      set: ['webhook.failurePolicy=Fail', 'webhook.timeoutSeconds=9'],
    });
    for (const [objects, options] of [
      [
        defaults,
        {
          serviceName: 'ensign-operator',
          serviceNamespace: 'ensign-system',
          operatorNamespace: 'ensign-system',
          failurePolicy: 'Ignore',
          timeoutSeconds: 5,
        },
      ],
      [
        acme,
        {
          serviceName: 'acme-ensign-operator',
          serviceNamespace: 'flags',
          operatorNamespace: 'flags',
          failurePolicy: 'Fail',
          timeoutSeconds: 9,
        },
      ],
    ] as const) {
      const configuration = objectOf(objects, 'MutatingWebhookConfiguration');
      expect(configuration.webhooks).toEqual(injectionWebhooks(options));
      expect(JSON.stringify(configuration)).not.toContain('caBundle');
      expect(configuration.metadata.annotations).toBeUndefined();
    }
  });

  it('adds the extra namespaceSelector expressions to every webhook', () => {
    const webhooks = objectOf(full, 'MutatingWebhookConfiguration').webhooks as {
      namespaceSelector: { matchExpressions: unknown[] };
    }[];
    const expected = injectionWebhooks({
      serviceName: 'ensign-operator',
      serviceNamespace: 'ensign-system',
      operatorNamespace: 'ensign-system',
      failurePolicy: 'Fail',
      timeoutSeconds: 3,
    });
    expect(webhooks.map((w) => w.namespaceSelector.matchExpressions)).toEqual(
      expected.map((w) => [
        ...w.namespaceSelector.matchExpressions,
        { key: 'example.com/no-flags', operator: 'DoesNotExist' },
      ]),
    );
  });

  it('adds the objectSelector to every webhook only when one is given', () => {
    const selectors = (
      objectOf(full, 'MutatingWebhookConfiguration').webhooks as { objectSelector?: unknown }[]
    ).map((w) => w.objectSelector);
    expect(selectors).toEqual([
      { matchExpressions: [{ key: 'example.com/batch-job', operator: 'DoesNotExist' }] },
      { matchExpressions: [{ key: 'example.com/batch-job', operator: 'DoesNotExist' }] },
    ]);
  });

  it('is reachable: every webhook calls a port of the rendered Service', () => {
    const service = objectOf(defaults, 'Service');
    const ports = (service.spec as { ports: { port: number }[] }).ports.map((p) => p.port);
    for (const webhook of objectOf(defaults, 'MutatingWebhookConfiguration').webhooks as {
      clientConfig: { service: { name: string; port: number } };
    }[]) {
      expect(webhook.clientConfig.service.name).toBe(service.metadata.name);
      expect(ports).toContain(webhook.clientConfig.service.port);
    }
  });
});

describe('cert-manager', () => {
  it('issues a serving certificate for the Service names, mounts it and injects its CA into the webhook', () => {
    const annotation = objectOf(full, 'MutatingWebhookConfiguration').metadata.annotations?.[
      'cert-manager.io/inject-ca-from'
    ];
    const [namespace, name] = (annotation ?? '').split('/');
    const certificate = objectOf(full, 'Certificate', name);
    expect(namespace).toBe('ensign-system');
    const spec = certificate.spec as { secretName: string; dnsNames: string[]; issuerRef: { name: string } };
    expect(spec.dnsNames).toEqual([
      'ensign-operator',
      'ensign-operator.ensign-system',
      'ensign-operator.ensign-system.svc',
      'ensign-operator.ensign-system.svc.cluster.local',
    ]);
    expect(objectOf(full, 'Issuer', spec.issuerRef.name).spec).toEqual({
      ca: {
        secretName: (objectOf(full, 'Certificate', 'ensign-ca').spec as { secretName: string }).secretName,
      },
    });
    const volumes = podSpecOf(full).volumes ?? [];
    expect(volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe(spec.secretName);
    expect(deploymentArgs(full)).toContain('--cert-mode=files');
    expect(deploymentArgs(defaults)).toContain('--cert-mode=self-managed');
  });

  it('uses the given issuer instead of making a CA', async () => {
    const objects = await renderChart(helm, {
      set: [
        'certManager.enabled=true',
        'certManager.issuerRef.kind=ClusterIssuer',
        'certManager.issuerRef.name=corp-ca',
      ],
    });
    expect(kindsOf(objects).filter((k) => k === 'Issuer')).toEqual([]);
    expect((objectOf(objects, 'Certificate').spec as { issuerRef: unknown }).issuerRef).toEqual({
      kind: 'ClusterIssuer',
      name: 'corp-ca',
    });
  });
});

describe('the injection ConfigMap', () => {
  function injectionConfigOf(objects: KubeObject[]) {
    const configMap = objectOf(objects, 'ConfigMap', 'ensign-injection') as KubeObject & {
      data: Record<string, string>;
    };
    const text = configMap.data['injection.yaml'] ?? '';
    const parsed = parseInjectionConfig(text, 'injection.yaml');
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  }

  it('parses with the operator schema and carries the sidecar values', () => {
    expect(injectionConfigOf(defaults)).toEqual({
      image: 'ghcr.io/ensign-dev/ensign-sidecar:0.1.0',
      imagePullPolicy: 'IfNotPresent',
      native: 'auto',
      operatorAddress: 'ensign-operator.ensign-system.svc:8443',
      resources: { requests: { cpu: '10m', memory: '96Mi' }, limits: { memory: '256Mi' } },
      tokenExpirationSeconds: 600,
      logLevel: 'info',
      startupTimeoutSeconds: 120,
      appEnv: true,
      env: [],
    });
    expect(injectionConfigOf(full)).toMatchObject({
      image:
        'registry.example.com/ensign/ensign-sidecar@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210',
      native: 'always',
      tokenExpirationSeconds: 900,
      appEnv: false,
      env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring.svc:4317' }],
    });
  });

  it('is mounted where the operator reads --injection-config', () => {
    const flag = deploymentArgs(defaults).find((a) => a.startsWith('--injection-config='));
    const mount = containerOf(defaults, 'operator').volumeMounts?.find((m) => m.name === 'injection-config');
    expect(flag).toBe(`--injection-config=${mount?.mountPath ?? '?'}/injection.yaml`);
    const volume = podSpecOf(defaults).volumes?.find((v) => v.name === 'injection-config');
    expect(volume?.configMap?.name).toBe('ensign-injection');
  });
});

describe('monitoring objects', () => {
  it('embed the alert rules of files/prometheus-rules.yaml', () => {
    const file = parse(readFileSync(join(CHART_DIR, 'files/prometheus-rules.yaml'), 'utf8')) as {
      groups: unknown[];
    };
    expect((objectOf(full, 'PrometheusRule').spec as { groups: unknown[] }).groups).toEqual(file.groups);
  });

  it('scrape the operator Service and the sidecars by their ops port name', () => {
    const monitor = objectOf(full, 'ServiceMonitor').spec as { endpoints: { port: string }[] };
    expect(monitor.endpoints[0]?.port).toBe('metrics');
    const pods = objectOf(full, 'PodMonitor').spec as { podMetricsEndpoints: { port: string }[] };
    expect(pods.podMetricsEndpoints[0]?.port).toBe('ensign-ops');
  });

  it('ship every dashboard JSON in a ConfigMap Grafana’s sidecar picks up', () => {
    const configMap = objectOf(full, 'ConfigMap', 'ensign-dashboards') as KubeObject & {
      data?: Record<string, string>;
    };
    expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
    const dashboards = join(CHART_DIR, 'dashboards');
    const files = existsSync(dashboards) ? readdirSync(dashboards).filter((f) => f.endsWith('.json')) : [];
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(files.sort());
    for (const name of files) expect(() => JSON.parse(configMap.data?.[name] ?? '') as unknown).not.toThrow();
  });
});

describe('the NetworkPolicy', () => {
  interface Rule {
    ports: { port: string | number; protocol: string }[];
    from?: unknown[];
    to?: unknown[];
  }

  it('opens the webhook, sync and metrics ports the operator container declares, and egress to DNS and the API server', () => {
    const policy = objectOf(full, 'NetworkPolicy').spec as {
      podSelector: { matchLabels: Record<string, string> };
      ingress: Rule[];
      egress: Rule[];
    };
    const declared = (containerOf(full, 'operator').ports as { name: string }[]).map((p) => p.name);
    expect(policy.ingress.map((r) => r.ports.map((p) => p.port))).toEqual([
      ['webhook'],
      ['sync'],
      ['metrics'],
    ]);
    for (const rule of policy.ingress) for (const p of rule.ports) expect(declared).toContain(p.port);
    expect(policy.egress[0]?.ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(policy.egress[1]).toEqual({
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 6443, protocol: 'TCP' },
      ],
      to: [{ ipBlock: { cidr: '10.0.0.1/32' } }],
    });
    const podLabels = (objectOf(full, 'Deployment').spec as { template: { metadata: { labels: object } } })
      .template.metadata.labels;
    expect(podLabels).toMatchObject(policy.podSelector.matchLabels);
  });

  it('lets every pod reach the sync port by default, where injected sidecars run', async () => {
    const objects = await renderChart(helm, { set: ['networkPolicy.enabled=true'] });
    const policy = objectOf(objects, 'NetworkPolicy').spec as { ingress: Rule[] };
    expect(policy.ingress[1]?.from).toEqual([{ namespaceSelector: {} }]);
    expect(policy.ingress[0]?.from).toBeUndefined();
  });
});

describe('Helm 4', () => {
  let helm4: Helm;
  beforeAll(async () => {
    helm4 = await offlineHelm(await testTool('helm'));
  });

  it('is the Helm 4 line', async () => {
    const result = await helm4(['version', '--short']);
    expect(result.stdout).toMatch(/^v4\./);
  });

  for (const [name, valuesFiles] of VALUES_CASES)
    it(`lints cleanly and renders the same objects as Helm 3 with ${name}`, async () => {
      const lint = await helm4([
        'lint',
        '--strict',
        CHART_DIR,
        ...valuesFiles.flatMap((f) => ['--values', f]),
      ]);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      const byName = (objects: KubeObject[]) =>
        [...objects].sort((a, b) =>
          `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`),
        );
      expect(byName(await renderChart(helm4, { valuesFiles }))).toEqual(
        byName(await renderChart(helm, { valuesFiles })),
      );
    });

  it('rejects a schema violation naming the field', async () => {
    const file = valuesFile('helm4-native.yaml', 'sidecar:\n  native: sometimes\nreplicaCount: 0\n');
    const result = await helm4(['template', ...chartArgs({ valuesFiles: [file] })]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('/sidecar/native');
    expect(result.stderr).toContain('/replicaCount');
  });
});
