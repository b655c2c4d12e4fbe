// `--source=kubernetes`: builds the API client, the cluster controller and (optionally) the leader
// elector, and starts them. Every replica lists, watches, compiles and publishes; the elected one
// also writes status and Events.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { randomInt } from 'node:crypto';
import type { Registry } from 'prom-client';
import {
  ClusterController,
  type ControllerLogger,
  type InformerTiming,
} from '../controllers/cluster-controller.ts';
import { createControllerMetrics } from '../controllers/controller-metrics.ts';
import { kubeStatusSink } from '../controllers/status-sink.ts';
import {
  kubeEventRecorder,
  metadataOnly,
  UninjectedPodsDetector,
} from '../controllers/uninjected-pods-controller.ts';
import type { SidecarCounts } from '../controllers/status.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { kubeLeaseApi } from '../kube/lease-api.ts';
import { loadKubeConfig } from '../kube/load-kube-config.ts';
import type { RuleSetPublisher } from '../sync/publisher.ts';
import { systemClock, type Clock } from './clock.ts';
import { LeaderElector, leaderIdentity, type LeaderElectionTiming } from './leader-election.ts';

export interface KubernetesSourceOptions {
  readonly kubeconfig: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly watchNamespaces: readonly string[];
  /** undefined: no leader election, this replica always writes. */
  readonly leaderElection:
    | { readonly namespace: string; readonly leaseName: string; readonly timing?: LeaderElectionTiming }
    | undefined;
  readonly podName: string;
  readonly publisher: RuleSetPublisher & { markSynced(): void };
  readonly sidecars: (namespace: string) => SidecarCounts;
  /** Called after every compile with the time it took (ms) and the number of objects not compiled fresh. */
  readonly onCompiled?: (namespace: string, ruleSet: RuleSet, ms: number, failing: number) => void;
  readonly registry: Registry;
  readonly logger: ControllerLogger;
  readonly clock?: Clock;
  readonly informerTiming?: Partial<InformerTiming>;
  /** Called when this replica starts or stops leading. */
  readonly onLeadershipChange?: ((leading: boolean) => void) | undefined;
  /** Report pods created without the sidecar (leader only); undefined: off. */
  readonly uninjectedPods?: { readonly excludedNamespaces: readonly string[] } | undefined;
}

export interface KubernetesSource {
  readonly identity: string;
  readonly controller: ClusterController;
  isLeader(): boolean;
  /** Forward of the sync server's hook: FlagNamespace status follows sidecar counts. */
  sidecarsChanged(namespace: string): void;
  /** Stops the informers and waits for reconciles (and their status writes) in flight. */
  stop(): Promise<void>;
  /** Steps down and releases the Lease so another replica leads at once. */
  releaseLeadership(): Promise<void>;
}

const random = (): number => randomInt(0, 2 ** 32) / 2 ** 32;

export async function startKubernetesSource(options: KubernetesSourceOptions): Promise<KubernetesSource> {
  const clock = options.clock ?? systemClock;
  const client = new KubeClient(loadKubeConfig(options.kubeconfig, options.env));
  const metrics = createControllerMetrics(options.registry);
  const identity = leaderIdentity(options.podName, random);
  const election = options.leaderElection;
  // Read at call time: the elector is built below, once the controller it notifies exists.
  const isLeader = (): boolean => elector?.isLeader ?? true;
  const controller = new ClusterController({
    client,
    sink: kubeStatusSink({ client, instance: identity, clock }),
    watchNamespaces: options.watchNamespaces,
    publisher: options.publisher,
    isLeader,
    sidecars: options.sidecars,
    uninjected: (namespace) => detector?.summary(namespace),
    ...(options.onCompiled === undefined ? {} : { onCompiled: options.onCompiled }),
    clock,
    random,
    logger: options.logger,
    metrics,
    informerTiming: options.informerTiming,
  });
  const detector: UninjectedPodsDetector | undefined =
    options.uninjectedPods === undefined
      ? undefined
      : new UninjectedPodsDetector({
          api: metadataOnly(client),
          events: kubeEventRecorder(client),
          watchNamespaces: options.watchNamespaces,
          excludedNamespaces: options.uninjectedPods.excludedNamespaces,
          registry: options.registry,
          instance: identity,
          onChange: (namespaces) => {
            for (const namespace of namespaces) controller.uninjectedChanged(namespace);
          },
          clock,
          random,
          logger: options.logger.child({ part: 'uninjected-pods' }),
        });
  const elector =
    election === undefined
      ? undefined
      : new LeaderElector({
          api: kubeLeaseApi(client, election.namespace, election.leaseName),
          namespace: election.namespace,
          name: election.leaseName,
          identity,
          timing: election.timing,
          clock,
          random,
          logger: options.logger.child({ part: 'leader-election' }),
          onStartedLeading: () => {
            metrics.leader.set(1);
            // Statuses may have been left stale by the previous leader: look at everything.
            controller.enqueueAll();
            void detector?.start();
            options.onLeadershipChange?.(true);
          },
          onStoppedLeading: () => {
            metrics.leader.set(0);
            void detector?.stop();
            options.onLeadershipChange?.(false);
          },
        });
  metrics.leader.set(elector === undefined ? 1 : 0);
  options.logger.info(
    {
      server: client.server,
      identity,
      watchNamespaces: options.watchNamespaces.length === 0 ? 'all' : options.watchNamespaces,
      lease: election === undefined ? 'none' : `${election.namespace}/${election.leaseName}`,
    },
    'starting the kubernetes source',
  );
  // Campaign while the caches fill, so a failover does not wait for a full list.
  elector?.start();
  await controller.start();
  if (elector === undefined) void detector?.start();
  return {
    identity,
    controller,
    isLeader,
    sidecarsChanged: (namespace) => {
      controller.sidecarsChanged(namespace);
    },
    stop: async () => {
      await Promise.all([controller.stop(), detector?.stop()]);
    },
    releaseLeadership: async () => {
      await elector?.stop();
    },
  };
}
