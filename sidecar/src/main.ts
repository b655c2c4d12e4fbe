// ensign-sidecar: answers flag evaluations on localhost (Flipt gRPC + REST, OFREP, client snapshot)
// from rule sets streamed by the operator. This file only wires parts together.
// Tracing first: start-telemetry must run before any other module body (docs/tracing.md).
import { telemetry } from '@ensign/core/telemetry/start-telemetry.ts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { createLogger } from '@ensign/core/logger.ts';
import { closeHttp, listenGrpc, listenHttp, shutdownGrpc } from '@ensign/core/listen.ts';
import { onShutdownSignal, parseOrExit } from '@ensign/core/process.ts';
import { systemClock } from './api/clock.ts';
import type { EvaluationApiDeps } from './api/evaluation-api-deps.ts';
import { createEvaluationGrpcServer } from './api/grpc/create-evaluation-grpc-server.ts';
import { createEvaluationHttpServer } from './api/http/create-evaluation-http-server.ts';
import { createEvaluationTracing } from './api/tracing/evaluation-tracing.ts';
import { readinessFromStore } from './api/readiness.ts';
import { createSidecarAuth } from './auth/create-sidecar-auth.ts';
import { createOperatorReviewClient } from './auth/operator-review-client.ts';
import { parseSidecarConfig, SIDECAR_OPTIONS } from './config.ts';
import { buildIndex } from './engine/build-index.ts';
import { createOpsHttpServer } from './observability/create-ops-http-server.ts';
import { createSidecarMetrics } from './observability/metrics.ts';
import { collectProcessMetrics } from '@ensign/core/observability/process-metrics.ts';
import { createSyncMetrics } from './observability/sync-metrics.ts';
import { DiskCache } from './store/disk-cache.ts';
import { RuleSetStore } from './store/rule-set-store.ts';
import { createOperatorChannelSecurity } from './sync/operator-channel.ts';
import { SyncClient } from './sync/sync-client.ts';
import { noMetadata, tokenMetadata } from './sync/token-metadata.ts';

const argv = process.argv.slice(2);
const config = parseOrExit(
  'ensign-sidecar',
  'Answers feature-flag evaluations on localhost from rule sets streamed by the Ensign operator.',
  SIDECAR_OPTIONS,
  argv,
  () => parseSidecarConfig(argv, process.env, hostname()),
);
const logger = createLogger('sidecar', config['log-level']);
const registry = new Registry();
collectProcessMetrics(registry, 'ensign_sidecar_');

const store = new RuleSetStore({
  defaultNamespace: config['default-namespace'],
  namespaces: config.namespaces,
  buildIndex,
  now: Date.now,
});
const disk = new DiskCache(config['state-dir'], logger);
// The last good rule sets from disk first: the sidecar serves even if the operator is down.
for (const namespace of store.namespaces) {
  const saved = await disk.load(namespace);
  if (saved === undefined) continue;
  const result = store.apply(saved);
  if (result.ok) logger.info({ namespace, revision: saved.revision }, 'serving last good rule set from disk');
  else logger.warn({ namespace, err: result.error }, 'saved rule set rejected');
}

// TLS with the CA bundle and the pod's projected token; plaintext without a token only on loopback.
const operatorSecurity = createOperatorChannelSecurity({
  insecure: config['sync-insecure'],
  caFile: config['sync-ca'],
  caPem: config['sync-ca-pem'],
  serverName: config['sync-server-name'],
});
const operatorMetadata = config['sync-insecure'] ? noMetadata : tokenMetadata(config['token-file']);
const reviewClient = config['sync-insecure']
  ? undefined
  : createOperatorReviewClient({
      address: config['operator-addr'],
      security: operatorSecurity,
      metadata: operatorMetadata,
      now: Date.now,
    });
const auth = await createSidecarAuth(config, {
  lookup: store,
  registry,
  logger: logger.child({ subsystem: 'auth' }),
  now: Date.now,
  reviewServiceAccountToken: reviewClient === undefined ? undefined : (token) => reviewClient.review(token),
}).catch((error: unknown) => {
  // Like a configuration error: the static tokens file or JWKS file named in the flags is unusable.
  process.stderr.write(
    `ensign-sidecar: cannot set up caller authentication: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
});

const readiness = readinessFromStore(store);
const deps: EvaluationApiDeps = {
  lookup: store,
  readiness,
  clock: systemClock,
  randomUUID,
  authenticate: auth.authenticate,
  authorize: auth.authorize,
  metrics: createSidecarMetrics({
    registry,
    now: Date.now,
    ruleSets: () => store.all(),
    flagKeys: config['metrics-flag-keys'],
  }),
  logger,
  tracing: telemetry.tracing
    ? createEvaluationTracing({ recordContextId: telemetry.recordContextId })
    : undefined,
};
const syncMetrics = createSyncMetrics(registry, Date.now);

const grpcServer = createEvaluationGrpcServer({ ...deps, reflection: config['grpc-reflection'] });
const httpServer = createEvaluationHttpServer(deps);
const opsServer = createOpsHttpServer({ registry, readiness });

await listenHttp(opsServer, config['ops-addr'], 'ops-addr');
await listenGrpc(grpcServer, config['grpc-addr'], 'grpc-addr');
await listenHttp(httpServer, config['http-addr'], 'http-addr');

const sync = new SyncClient({
  address: config['operator-addr'],
  security: operatorSecurity,
  metadata: operatorMetadata,
  store,
  save: (ruleSet) => disk.save(ruleSet),
  sidecarId: config['sidecar-id'],
  logger: logger.child({ subsystem: 'sync' }),
  backoff: { minMs: config['reconnect-min-ms'], maxMs: config['reconnect-max-ms'], random: Math.random },
  timers: {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => {
      clearTimeout(handle as NodeJS.Timeout);
    },
  },
  onState: (state) => {
    syncMetrics.state(state);
    logger.info({ state, operator: config['operator-addr'] }, 'sync state');
  },
  onRejected: (ruleSet) => {
    syncMetrics.rejected(ruleSet.namespace);
  },
  onReconnect: () => {
    syncMetrics.reconnected();
  },
});
sync.start();
logger.info(
  {
    grpcAddr: config['grpc-addr'],
    httpAddr: config['http-addr'],
    opsAddr: config['ops-addr'],
    namespaces: store.namespaces,
    defaultNamespace: store.defaultNamespace,
    auth: config.auth,
    authenticators: auth.methods,
    syncTls: !config['sync-insecure'],
  },
  'sidecar listening',
);

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  sync.stop();
  reviewClient?.close();
  auth.close();
  await Promise.all([
    shutdownGrpc(grpcServer, 2_000),
    closeHttp(httpServer, 2_000),
    closeHttp(opsServer, 500),
  ]);
  // After the listeners: the last requests' spans are ended and go out with this flush.
  await telemetry.shutdown();
  logger.info({}, 'stopped');
  logger.flush();
});
