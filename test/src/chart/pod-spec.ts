// The operator pod as the chart renders it, and the container-level rules of the `restricted`
// Pod Security Standard (the API-server suite also lets the real admission plugin judge it).
import { objectOf, type KubeObject } from './chart-helm.ts';

export interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly env?: { name: string }[];
  readonly ports?: unknown[];
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: { name: string; mountPath: string }[];
}

interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { drop?: string[]; add?: string[] };
  readonly seccompProfile?: { type: string };
}

export interface PodSpec {
  readonly containers: Container[];
  readonly initContainers?: Container[];
  readonly securityContext?: SecurityContext;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
  readonly topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
}

export function podSpecOf(objects: readonly KubeObject[]): PodSpec {
  return (objectOf(objects, 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;
}

export function containerOf(objects: readonly KubeObject[], name: string): Container {
  const container = podSpecOf(objects).containers.find((c) => c.name === name);
  if (container === undefined) throw new Error(`the Deployment has no container ${name}`);
  return container;
}

export function deploymentArgs(objects: readonly KubeObject[]): string[] {
  return containerOf(objects, 'operator').args ?? [];
}

const ALLOWED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** What keeps a pod spec from the `restricted` profile (v1.29+ rules); empty when it passes. */
export function restrictedViolations(spec: PodSpec): string[] {
  const violations: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork === true || spec.hostPID === true || spec.hostIPC === true)
    violations.push('host namespaces');
  for (const volume of spec.volumes ?? []) {
    const types = Object.keys(volume).filter((k) => k !== 'name');
    if (types.some((t) => !ALLOWED_VOLUME_TYPES.has(t)))
      violations.push(`volume ${volume.name}: ${types.join()}`);
  }
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged === true) violations.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) violations.push(`${where}: allowPrivilegeEscalation != false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) violations.push(`${where}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'))
      violations.push(`${where}: capabilities added`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) violations.push(`${where}: runAsNonRoot`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) violations.push(`${where}: runAsUser 0`);
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push(`${where}: seccompProfile`);
  }
  return violations;
}
