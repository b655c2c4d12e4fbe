// The StatusSink over the API server: merge patches of the status subresource and
// events.k8s.io/v1 Events.
import type { KubeClient } from '../kube/kube-client.ts';
import { EVENT, FLAG, FLAG_NAMESPACE, SEGMENT, type ResourceType } from '../kube/resource-type.ts';
import type { Clock } from '../runtime/clock.ts';
import { buildEvent } from './kubernetes-event.ts';
import type { StatusKind, StatusSink } from './namespace-reconciler.ts';

const TYPES: Record<StatusKind, ResourceType> = {
  Flag: FLAG,
  Segment: SEGMENT,
  FlagNamespace: FLAG_NAMESPACE,
};

export interface KubeStatusSinkOptions {
  readonly client: KubeClient;
  /** reportingInstance of Events: this replica's leader-election identity. */
  readonly instance: string;
  readonly clock: Clock;
}

export function kubeStatusSink({ client, instance, clock }: KubeStatusSinkOptions): StatusSink {
  let sequence = 0;
  return {
    patchStatus: (kind, namespace, name, patch) =>
      client.patch(TYPES[kind], namespace, name, patch, 'merge', { subresource: 'status' }),
    recordEvent: (regarding, decision) => {
      sequence = (sequence + 1) % 0x1000;
      const event = buildEvent({
        regarding,
        decision,
        instance,
        nowMs: clock.now(),
        suffix: sequence.toString(16).padStart(3, '0'),
      });
      return client.create(EVENT, regarding.namespace, event);
    },
  };
}
