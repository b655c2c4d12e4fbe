// ensign-sidecar: answers flag evaluations on localhost (Flipt gRPC + REST, OFREP, client snapshot)
// from rule sets streamed by the operator. This file only wires parts together.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createLogger } from '@ensign/core/logger.ts';
import { closeHttp, listenGrpc, listenHttp, shutdownGrpc } from '@ensign/core/listen.ts';
import { onShutdownSignal, parseOrExit } from '@ensign/core/process.ts';
import { allowAllNamespaces, allowAnonymous } from './api/auth-hooks.ts';
import { systemClock } from './api/clock.ts';
import type { EvaluationApiDeps } from './api/evaluation-api-deps.ts';
import { createEvaluationGrpcServer } from './api/grpc/create-evaluation-grpc-server.ts';
import { createEvaluationHttpServer } from './api/http/create-evaluation-http-server.ts';
import { readinessFromStore } from './api/readiness.ts';
import { parseSidecarConfig, SIDECAR_OPTIONS } from './config.ts';
import { buildIndex } from './engine/build-index.ts';
import { createOpsHttpServer } from './observability/create-ops-http-server.ts';
import { createSidecarMetrics } from './observability/metrics.ts';
import { createSyncMetrics } from './observability/sync-metrics.ts';
import { DiskCache } from './store/disk-cache.ts';
import { RuleSetStore } from './store/rule-set-store.ts';
import { SyncClient } from './sync/sync-client.ts';

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
collectDefaultMetrics({ register: registry, prefix: 'ensign_sidecar_' });

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

const readiness = readinessFromStore(store);
const deps: EvaluationApiDeps = {
  lookup: store,
  readiness,
  clock: systemClock,
  randomUUID,
  // --auth=none is the only mode this build accepts, and only on loopback listeners (config.ts).
  authenticate: allowAnonymous,
  authorize: allowAllNamespaces,
  metrics: createSidecarMetrics({ registry, now: Date.now, ruleSets: () => store.all() }),
  logger,
};
const syncMetrics = createSyncMetrics(registry);

const grpcServer = createEvaluationGrpcServer({ ...deps, reflection: config['grpc-reflection'] });
const httpServer = createEvaluationHttpServer(deps);
const opsServer = createOpsHttpServer({ registry, readiness });

await listenHttp(opsServer, config['ops-addr'], 'ops-addr');
await listenGrpc(grpcServer, config['grpc-addr'], 'grpc-addr');
await listenHttp(httpServer, config['http-addr'], 'http-addr');

const sync = new SyncClient({
  address: config['operator-addr'],
  credentials: grpc.credentials.createInsecure(),
  metadata: () => Promise.resolve(new grpc.Metadata()),
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
  },
  'sidecar listening',
);

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  sync.stop();
  await Promise.all([
    shutdownGrpc(grpcServer, 2_000),
    closeHttp(httpServer, 2_000),
    closeHttp(opsServer, 500),
  ]);
  logger.info({}, 'stopped');
  logger.flush();
});
