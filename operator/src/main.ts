// ensign-operator: compiles Flags, Segments and FlagNamespaces into per-namespace rule sets and
// streams them to sidecars. This file only wires parts together.
// Tracing first: start-telemetry must run before any other module body (docs/tracing.md).
import { telemetry } from '@ensign/core/telemetry/start-telemetry.ts';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createLogger } from '@ensign/core/logger.ts';
import { closeHttp, listenGrpc, listenHttp, shutdownGrpc } from '@ensign/core/listen.ts';
import { createOpsServer } from '@ensign/core/ops-server.ts';
import { onShutdownSignal, parseOrExit } from '@ensign/core/process.ts';
import { createOperatorAuth } from './auth/create-operator-auth.ts';
import { createTokenReviewer } from './auth/create-token-reviewer.ts';
import {
  createSyncServerCredentials,
  syncCredentialsFromServingTls,
} from './auth/sync-server-credentials.ts';
import { selfManaged } from './certificates/options.ts';
import { startCertificates } from './certificates/start-certificates.ts';
import { compile } from './compiler/compile.ts';
import { OPERATOR_OPTIONS, parseOperatorConfig } from './config.ts';
import { startLocalController } from './local/local-controller.ts';
import { createOperatorMetrics } from './observability/metrics.ts';
import { registerServingMetrics } from './observability/serving-metrics.ts';
import { KubeClient } from './kube/kube-client.ts';
import { loadKubeConfig } from './kube/load-kube-config.ts';
import { startKubernetesSource, type KubernetesSource } from './runtime/start-kubernetes-source.ts';
import { RuleSetHub } from './sync/rule-set-hub.ts';
import { addSyncService } from './sync/sync-server.ts';
import { startInjectionWebhook } from './webhooks/start-injection-webhook.ts';

const argv = process.argv.slice(2);
const config = parseOrExit(
  'ensign-operator',
  'Compiles Ensign flag resources and streams rule sets to evaluation sidecars.',
  OPERATOR_OPTIONS,
  argv,
  () => parseOperatorConfig(argv, process.env, hostname()),
);
const logger = createLogger('operator', config['log-level']);
const metrics = createOperatorMetrics();

const hub = new RuleSetHub({
  emptyRuleSet: (namespace) => compile({ namespace, flags: [], segments: [] }).ruleSet,
  now: Date.now,
});

const grpcServer = new grpc.Server({
  // Notice dead sidecars on idle streams, and let sidecars ping this often without a GOAWAY.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 20_000,
  // A stream is authorised when it opens: recycling connections every few minutes makes a revoked
  // access, a deleted service account or an expired sidecar token take effect, and re-spreads
  // sidecars over replicas after a rollout. Sidecars reconnect at once and resend known revisions.
  'grpc.max_connection_age_ms': 5 * 60_000,
  'grpc.max_connection_age_grace_ms': 30_000,
});
let kubernetes: KubernetesSource | undefined;
// Self-managed certificates come before any server: the sync and webhook servers present them and
// injected sidecars trust their CA. Renewals and the webhook's caBundle are the leader's.
const selfManagedCertificates = selfManaged(config)
  ? await startCertificates({
      client: new KubeClient(kubeConfigOrExit()),
      operatorNamespace: config['operator-namespace'] ?? '',
      secretName: config['certificate-secret'],
      serviceName: config['service-name'],
      webhookConfiguration: config['webhook-configuration'],
      isLeader: () => kubernetes?.isLeader() ?? false,
      registry: metrics.registry,
      logger: logger.child({ subsystem: 'certificates' }),
    })
  : undefined;
/** The operator's certificates in self-managed mode (undefined with --cert-mode=files). */
const certificates = selfManagedCertificates?.certificates;
const tls = config['sync-insecure']
  ? undefined
  : certificates !== undefined
    ? syncCredentialsFromServingTls(certificates.sync, logger.child({ subsystem: 'tls' }))
    : await createSyncServerCredentials({
        certFile: config['sync-tls-cert'] ?? '',
        keyFile: config['sync-tls-key'] ?? '',
        logger: logger.child({ subsystem: 'tls' }),
      });
function kubeConfigOrExit(): ReturnType<typeof loadKubeConfig> {
  try {
    return loadKubeConfig(config.kubeconfig, process.env);
  } catch (error) {
    process.stderr.write(`ensign-operator: cannot load Kubernetes credentials: ${String(error)}\n`);
    process.exit(1);
  }
}
// Without TLS (loopback only, enforced by the config) every local sidecar is trusted.
const auth =
  tls !== undefined && config.source.kind === 'kubernetes'
    ? createOperatorAuth({
        review: createTokenReviewer(kubeConfigOrExit()),
        accessOf: (namespace) => hub.get(namespace)?.ruleSet.access,
        logger: logger.child({ subsystem: 'auth' }),
        now: Date.now,
      })
    : undefined;
const sync = addSyncService(grpcServer, {
  hub,
  logger: logger.child({ subsystem: 'sync' }),
  authorize: auth?.authorize ?? (() => Promise.resolve({ ok: true, identity: 'local' })),
  ...(auth === undefined ? {} : { reviewToken: auth.reviewToken }),
  now: Date.now,
  onAck: ({ lagMs }) => {
    metrics.propagationSeconds.observe(lagMs / 1000);
  },
  onStreamsChanged: (open) => {
    metrics.syncStreams.set(open);
  },
  onSidecarsChanged: (namespace) => {
    kubernetes?.sidecarsChanged(namespace);
  },
});
registerServingMetrics(metrics.registry, {
  namespaces: () => hub.namespaces(),
  revision: (namespace) => hub.get(namespace)?.ruleSet.revision,
  sidecars: (namespace) => sync.sidecarCounts(namespace),
});

const opsServer = createOpsServer({
  registry: metrics.registry,
  notReadyReason: () => (hub.synced ? undefined : 'initial read of the flag source is not complete'),
});

await listenHttp(opsServer, config['ops-addr'], 'ops-addr');
await listenGrpc(grpcServer, config['sync-addr'], 'sync-addr', tls?.credentials);
logger.info({ syncAddr: config['sync-addr'], opsAddr: config['ops-addr'] }, 'operator listening');

const publisher = {
  publish(ruleSet: RuleSet) {
    hub.publish(ruleSet);
    const published = hub.get(ruleSet.namespace);
    metrics.ruleSetBytes.set({ namespace: ruleSet.namespace }, published?.frame.length ?? 0);
    metrics.ruleSetFlags.set({ namespace: ruleSet.namespace }, ruleSet.flags.length);
  },
  markSynced: () => {
    hub.markSynced();
  },
};

/** Both sources report every namespace compile here, so the compile metrics mean the same in either mode. */
function recordCompile(namespace: string, ms: number, failing: number): void {
  metrics.compileSeconds.observe(ms / 1000);
  metrics.compiles.inc({ result: failing === 0 ? 'ok' : 'diagnostics' });
  metrics.diagnostics.set({ namespace }, failing);
}

// The injection webhook serves from the start: pods are created whether or not flags are read yet.
const webhookAddr = config['webhook-addr'];
const injection =
  config.source.kind === 'kubernetes' && webhookAddr.enabled
    ? await startInjectionWebhook({
        address: webhookAddr.address,
        configFile: config['injection-config'],
        client: new KubeClient(kubeConfigOrExit()),
        certificates: selfManagedCertificates?.certificates,
        files: {
          certFile: config['webhook-tls-cert'],
          keyFile: config['webhook-tls-key'],
          caFile: config['ca-file'],
        },
        serviceName: config['service-name'],
        operatorNamespace: config['operator-namespace'] ?? '',
        watchedNamespaces: config['watch-namespaces'],
        registry: metrics.registry,
        logger: logger.child({ subsystem: 'webhook' }),
      }).catch((error: unknown) => {
        process.stderr.write(`ensign-operator: cannot start the injection webhook: ${String(error)}\n`);
        process.exit(1);
      })
    : undefined;

const source = config.source;
const local =
  source.kind === 'dir'
    ? await startLocalController({
        root: source.path,
        debounceMs: config['debounce-ms'],
        logger: logger.child({ subsystem: 'local' }),
        publisher,
        onCompiled: recordCompile,
        now: () => performance.now(),
      })
    : undefined;
if (source.kind === 'kubernetes') {
  const election = config['leader-election-namespace'];
  kubernetes = await startKubernetesSource({
    kubeconfig: config.kubeconfig,
    env: process.env,
    watchNamespaces: config['watch-namespaces'],
    leaderElection:
      config['leader-election'] && election !== undefined
        ? { namespace: election, leaseName: config['lease-name'] }
        : undefined,
    podName: config['pod-name'],
    publisher,
    sidecars: (namespace) => sync.sidecarCounts(namespace),
    onCompiled: (namespace, _ruleSet, ms, failing) => {
      recordCompile(namespace, ms, failing);
    },
    registry: metrics.registry,
    logger: logger.child({ subsystem: 'kubernetes' }),
    onLeadershipChange: () => {
      selfManagedCertificates?.leadershipChanged();
    },
    uninjectedPods: {
      excludedNamespaces: [
        'kube-system',
        ...(config['operator-namespace'] === undefined ? [] : [config['operator-namespace']]),
      ],
    },
  }).catch((error: unknown) => {
    process.stderr.write(`ensign-operator: cannot start the kubernetes source: ${String(error)}\n`);
    process.exit(1);
  });
  // Without an election this replica leads from here on.
  selfManagedCertificates?.leadershipChanged();
}
logger.info(
  { source: source.kind === 'dir' ? `dir:${source.path}` : 'kubernetes', namespaces: hub.namespaces() },
  'operator ready',
);

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  await local?.close();
  await kubernetes?.stop();
  sync.endAll();
  await kubernetes?.releaseLeadership();
  await Promise.all([shutdownGrpc(grpcServer, 5_000), closeHttp(opsServer, 1_000)]);
  await injection?.close();
  tls?.close();
  selfManagedCertificates?.close();
  // Last: spans of the final reconciles and publishes are ended by now and go out with this flush.
  await telemetry.shutdown();
  logger.info({}, 'stopped');
  logger.flush();
});
