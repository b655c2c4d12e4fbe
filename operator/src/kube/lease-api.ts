// The coordination.k8s.io/v1 Lease calls the leader elector makes, on one named Lease.
import type { KubeClient } from './kube-client.ts';
import type { KubeResult } from './kube-result.ts';
import { LEASE } from './resource-type.ts';

export interface LeaseSpec {
  holderIdentity?: string | null | undefined;
  leaseDurationSeconds?: number | null | undefined;
  /** MicroTime: RFC 3339 with six fractional digits. */
  acquireTime?: string | null | undefined;
  renewTime?: string | null | undefined;
  leaseTransitions?: number | null | undefined;
}

export interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string | undefined };
  spec: LeaseSpec;
}

export interface LeaseApi {
  get(timeoutMs: number): Promise<KubeResult<Lease>>;
  create(lease: Lease, timeoutMs: number): Promise<KubeResult<Lease>>;
  /** Conditional on lease.metadata.resourceVersion: 409 when someone else wrote it first. */
  update(lease: Lease, timeoutMs: number): Promise<KubeResult<Lease>>;
}

export function kubeLeaseApi(client: KubeClient, namespace: string, name: string): LeaseApi {
  return {
    get: (timeoutMs) => client.get<Lease>(LEASE, namespace, name, timeoutMs),
    create: (lease, timeoutMs) => client.create<Lease>(LEASE, namespace, lease, timeoutMs),
    update: (lease, timeoutMs) => client.replace<Lease>(LEASE, namespace, name, lease, timeoutMs),
  };
}
