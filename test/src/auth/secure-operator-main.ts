// TEST ONLY — the operator's Kubernetes path (operator/src/main.ts) plus the pieces of
// operator/src/auth/ that main.ts does not wire yet: TLS on the sync service from certificate
// files and sidecar/caller token review through TokenReview. The integration suite in this folder
// runs it as a real process until main.ts takes these flags; then it should spawn main.ts.
//
//   node test/src/auth/secure-operator-main.ts --kubeconfig=F --watch-namespaces=a,b
//     --sync-addr=127.0.0.1:P --ops-addr=127.0.0.1:Q --sync-tls-cert=F --sync-tls-key=F
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createLogger } from '@ensign/core/logger.ts';
import { listenGrpc, listenHttp } from '@ensign/core/listen.ts';
import { createOpsServer } from '@ensign/core/ops-server.ts';
import { onShutdownSignal } from '@ensign/core/process.ts';
import { createOperatorAuth } from '@ensign/operator/auth/create-operator-auth.ts';
import { createTokenReviewer } from '@ensign/operator/auth/create-token-reviewer.ts';
import { createSyncServerCredentials } from '@ensign/operator/auth/sync-server-credentials.ts';
import { compile } from '@ensign/operator/compiler/compile.ts';
import { loadKubeConfig } from '@ensign/operator/kube/load-kube-config.ts';
import { createOperatorMetrics } from '@ensign/operator/observability/metrics.ts';
import { startKubernetesSource } from '@ensign/operator/runtime/start-kubernetes-source.ts';
import type { KubernetesSource } from '@ensign/operator/runtime/start-kubernetes-source.ts';
import { RuleSetHub } from '@ensign/operator/sync/rule-set-hub.ts';
import { addSyncService } from '@ensign/operator/sync/sync-server.ts';

const { values: flags } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'watch-namespaces': { type: 'string', default: '' },
    'sync-addr': { type: 'string' },
    'ops-addr': { type: 'string' },
    'sync-tls-cert': { type: 'string' },
    'sync-tls-key': { type: 'string' },
    'tls-poll-ms': { type: 'string', default: '500' },
  },
});
const required = (name: keyof typeof flags): string => {
  const value = flags[name];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};

const logger = createLogger('operator', 'debug');
const metrics = createOperatorMetrics();
const hub = new RuleSetHub({
  emptyRuleSet: (namespace) => compile({ namespace, flags: [], segments: [] }).ruleSet,
  now: Date.now,
});
const kubeConfig = loadKubeConfig(required('kubeconfig'), process.env);

const tls = await createSyncServerCredentials({
  certFile: required('sync-tls-cert'),
  keyFile: required('sync-tls-key'),
  logger: logger.child({ subsystem: 'tls' }),
  pollMs: Number(flags['tls-poll-ms']),
});
const auth = createOperatorAuth({
  review: createTokenReviewer(kubeConfig),
  // The published rule set carries the namespace's FlagNamespace access, as sidecars see it.
  accessOf: (namespace) => hub.get(namespace)?.ruleSet.access,
  logger: logger.child({ subsystem: 'review' }),
  now: Date.now,
});

const grpcServer = new grpc.Server();
// Filled once the source has started; the sync server's hook may fire before that.
const started: { kubernetes?: KubernetesSource } = {};
const sync = addSyncService(grpcServer, {
  hub,
  logger: logger.child({ subsystem: 'sync' }),
  authorize: auth.authorize,
  reviewToken: auth.reviewToken,
  now: Date.now,
  onSidecarsChanged: (namespace) => {
    started.kubernetes?.sidecarsChanged(namespace);
  },
});
const opsServer = createOpsServer({
  registry: metrics.registry,
  notReadyReason: () => (hub.synced ? undefined : 'initial read of the flag source is not complete'),
});
await listenHttp(opsServer, required('ops-addr'), 'ops-addr');
await listenGrpc(grpcServer, required('sync-addr'), 'sync-addr', tls.credentials);

const kubernetes = await startKubernetesSource({
  kubeconfig: required('kubeconfig'),
  env: process.env,
  watchNamespaces: flags['watch-namespaces'].split(',').filter((s) => s !== ''),
  leaderElection: undefined,
  podName: 'secure-operator-test',
  publisher: {
    publish: (ruleSet: RuleSet) => {
      hub.publish(ruleSet);
    },
    markSynced: () => {
      hub.markSynced();
    },
  },
  sidecars: (namespace) => sync.sidecarCounts(namespace),
  registry: metrics.registry,
  logger: logger.child({ subsystem: 'kubernetes' }),
});
started.kubernetes = kubernetes;
logger.info({ syncAddr: flags['sync-addr'] }, 'secure test operator ready');

onShutdownSignal(async () => {
  await kubernetes.stop();
  sync.endAll();
  tls.close();
  grpcServer.forceShutdown();
  opsServer.close();
  logger.flush();
});
