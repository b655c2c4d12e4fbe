// The operator against a real API server, as the chart runs it: kubernetes source, the
// ServiceAccount and RBAC of deploy/operator-rbac.yaml (never the admin credential), leader
// election in ensign-system. Plus kubectl helpers to read status, Events and Leases.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { checked } from '../cluster/kubectl.ts';
import { EnsignProcess, freePort, REPO_ROOT, waitFor, waitForReady } from './processes.ts';
import type { OperatorPorts } from './processes.ts';

export const OPERATOR_NAMESPACE = 'ensign-system';
export const OPERATOR_SERVICE_ACCOUNT = 'ensign-operator';
export const RBAC_MANIFEST = join(REPO_ROOT, 'deploy', 'operator-rbac.yaml');

export async function kubectlOk(plane: ControlPlane, args: string[], input?: string): Promise<string> {
  return checked(await plane.kubectl(args, input === undefined ? {} : { input }), args);
}

export async function kubectlJson<T>(plane: ControlPlane, args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(plane, [...args, '-o', 'json'])) as T;
}

/** Applies the operator's RBAC and returns a kubeconfig holding a token of its ServiceAccount. */
export async function operatorKubeconfig(plane: ControlPlane): Promise<string> {
  const exists = await plane.kubectl(['get', 'namespace', OPERATOR_NAMESPACE]);
  if (exists.code !== 0) await kubectlOk(plane, ['create', 'namespace', OPERATOR_NAMESPACE]);
  await kubectlOk(plane, ['apply', '-f', RBAC_MANIFEST]);
  return plane.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT);
}

export function uniqueLeaseName(prefix = 'ensign-operator'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export interface ClusterOperatorOptions {
  readonly kubeconfig: string;
  readonly watchNamespaces: readonly string[];
  readonly leaseName: string;
  readonly podName?: string;
  readonly ports?: OperatorPorts;
  readonly extra?: readonly string[];
}

export interface ClusterOperator {
  readonly proc: EnsignProcess;
  readonly ports: OperatorPorts;
  readonly podName: string;
}

export async function spawnClusterOperator(options: ClusterOperatorOptions): Promise<ClusterOperator> {
  const ports = options.ports ?? { sync: await freePort(), ops: await freePort() };
  const podName = options.podName ?? `operator-${randomBytes(2).toString('hex')}`;
  const proc = new EnsignProcess(`operator ${podName}`, [
    'operator/src/main.ts',
    '--source=kubernetes',
    `--kubeconfig=${options.kubeconfig}`,
    `--watch-namespaces=${options.watchNamespaces.join(',')}`,
    `--leader-election-namespace=${OPERATOR_NAMESPACE}`,
    `--operator-namespace=${OPERATOR_NAMESPACE}`,
    `--lease-name=${options.leaseName}`,
    `--pod-name=${podName}`,
    '--sync-insecure',
    `--sync-addr=127.0.0.1:${ports.sync}`,
    `--ops-addr=127.0.0.1:${ports.ops}`,
    ...(options.extra ?? []),
  ]);
  return { proc, ports, podName };
}

export async function startClusterOperator(options: ClusterOperatorOptions): Promise<ClusterOperator> {
  const operator = await spawnClusterOperator(options);
  await waitForReady(operator.proc, operator.ports.ops, 30_000);
  return operator;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface KubeObject {
  metadata: { name: string; namespace?: string; generation?: number; resourceVersion: string; uid: string };
  status?: {
    observedGeneration?: number;
    revision?: string;
    conditions?: Condition[];
    flags?: number;
    segments?: number;
    sidecars?: { connected: number; inSync: number };
    uninjectedPods?: number;
  };
}

export function condition(object: KubeObject, type: string): Condition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** `kind` as kubectl names it: flag, segment, flagnamespace. Namespace undefined for FlagNamespace. */
export function getObject(plane: ControlPlane, kind: string, namespace: string | undefined, name: string) {
  const scope = namespace === undefined ? [] : ['-n', namespace];
  return kubectlJson<KubeObject>(plane, ['get', `${kind}.ensign.dev`, name, ...scope]);
}

/** Waits until the object's status satisfies `test` (for its current generation). */
export function waitForStatus(
  plane: ControlPlane,
  kind: string,
  namespace: string | undefined,
  name: string,
  test: (object: KubeObject) => boolean,
  timeoutMs = 20_000,
): Promise<KubeObject> {
  return waitFor(
    `${kind} ${namespace ?? ''}/${name} status`,
    async () => {
      const object = await getObject(plane, kind, namespace, name);
      return test(object) ? object : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Ready=True (or False) for the object's current generation. */
export function isReady(status: 'True' | 'False') {
  return (object: KubeObject): boolean => {
    const ready = condition(object, 'Ready');
    return (
      ready?.status === status &&
      object.status?.observedGeneration === object.metadata.generation &&
      ready.observedGeneration === object.metadata.generation
    );
  };
}

export interface KubeEvent {
  metadata: { name: string };
  type: string;
  reason: string;
  note: string;
  reportingController: string;
  reportingInstance: string;
  regarding: { kind: string; name: string; namespace: string; uid?: string };
}

export async function eventsIn(plane: ControlPlane, namespace: string): Promise<KubeEvent[]> {
  const list = await kubectlJson<{ items: KubeEvent[] }>(plane, [
    'get',
    'events.events.k8s.io',
    '-n',
    namespace,
  ]);
  return list.items;
}

export async function leaseHolder(plane: ControlPlane, leaseName: string): Promise<string> {
  const result = await plane.kubectl(['get', 'lease', leaseName, '-n', OPERATOR_NAMESPACE, '-o', 'json']);
  if (result.code !== 0) return '';
  const lease = JSON.parse(result.stdout) as { spec?: { holderIdentity?: string } };
  return lease.spec?.holderIdentity ?? '';
}

/** The sum of a Prometheus metric's samples on an ops port (0 when absent). */
export async function metricValue(opsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`).exec(line);
    if (match?.[1] !== undefined) sum += Number(match[1]);
  }
  return sum;
}

export function booleanFlagYaml(
  name: string,
  namespace: string,
  options: { enabled?: boolean; segment?: string } = {},
): string {
  const rollouts =
    options.segment === undefined
      ? ''
      : `  rollouts:\n    - segment:\n        segments: [${options.segment}]\n        value: true\n`;
  return `apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  type: Boolean
  enabled: ${options.enabled ?? false}
${rollouts}`;
}

export function segmentYaml(name: string, namespace: string, tier = 'gold'): string {
  return `apiVersion: ensign.dev/v1alpha1
kind: Segment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  matchType: All
  constraints:
    - { property: tier, type: String, operator: eq, value: ${tier} }
`;
}

export function flagNamespaceYaml(name: string): string {
  return `apiVersion: ensign.dev/v1alpha1
kind: FlagNamespace
metadata:
  name: ${name}
spec:
  description: integration test namespace
`;
}
