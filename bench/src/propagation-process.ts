// Propagation: a Flag change through the API server and the operator to 100 sidecar streams.
// Starts a control plane and the operator binary (kubernetes source, its own RBAC, no leader
// election, insecure loopback sync), creates one namespace of N flags, opens S simulated sidecar
// streams, then merge-patches one Flag C times and times each patch's response → the moment the
// LAST stream received the new revision. Prints one JSON line (a PropagationRecord).
// Usage: node bench/src/propagation-process.ts [--flags 1000] [--streams 100] [--changes 50]
import { parseArgs } from 'node:util';
import { waitFor, waitForReady } from '../../test/src/harness/processes.ts';
import {
  controlPlaneBinaries,
  createAll,
  createNamespace,
  spawnBenchOperator,
  startBenchCluster,
  waitForIdle,
} from './bench-cluster.ts';
import { namespaceWorkload } from './cluster-workload.ts';
import { flagKey } from './entities.ts';
import { procUsage } from './proc-usage.ts';
import type { PropagationRecord } from './records.ts';
import { openSimulatedSidecar, type SimulatedSidecar } from './simulated-sidecar.ts';
import { median, percentile, round } from './stats.ts';

const TARGET_P99_MS = 250;
const CHANGE_TIMEOUT_MS = 10_000;
const NAMESPACE = 'bench-propagation';

const { values } = parseArgs({
  options: { flags: { type: 'string' }, streams: { type: 'string' }, changes: { type: 'string' } },
});
const flags = Number(values.flags ?? 1000);
const streamCount = Number(values.streams ?? 100);
const changes = Number(values.changes ?? 50);
const log = (line: string): void => {
  process.stderr.write(`[propagation] ${line}\n`);
};

const binaries = await controlPlaneBinaries();
if (typeof binaries === 'string') throw new Error(binaries);
const cluster = await startBenchCluster(binaries, log);
const sidecars: SimulatedSidecar[] = [];
let operatorStop: (() => Promise<unknown>) | undefined;
try {
  await createNamespace(cluster.api, NAMESPACE);
  const workload = namespaceWorkload(NAMESPACE, flags);
  let t0 = performance.now();
  await createAll(cluster.api, [...workload.segments, ...workload.flags]);
  const applyMs = round(performance.now() - t0, 1);
  log(`created ${flags} flags in ${applyMs} ms`);

  t0 = performance.now();
  const operator = await spawnBenchOperator(cluster.operatorKubeconfig, [NAMESPACE]);
  operatorStop = () => operator.proc.stop();
  await waitForReady(operator.proc, operator.ports.ops, 60_000);

  let wake: (() => void) | undefined;
  const onArrival = (): void => wake?.();
  for (let i = 0; i < streamCount; i++)
    sidecars.push(
      openSimulatedSidecar(
        `127.0.0.1:${operator.ports.sync}`,
        NAMESPACE,
        `bench/sidecar-${i}`,
        i === 0,
        onArrival,
      ),
    );
  /** Resolves when every stream satisfies `done` (checked on every arrival), or rejects after timeoutMs. */
  const allStreams = (done: (s: SimulatedSidecar) => boolean, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        wake = undefined;
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        const failed = sidecars.find((s) => s.error !== undefined);
        if (failed !== undefined) {
          clearTimeout(timer);
          reject(failed.error ?? new Error('stream failed'));
        } else if (sidecars.every(done)) {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
      };
      wake = check;
      check();
    });
  const settled = (): string | undefined => {
    const first = sidecars[0]?.revision ?? '';
    return first !== '' && sidecars.every((s) => s.revision === first) ? first : undefined;
  };
  await waitFor('all streams to receive the first rule set', settled, 120_000, 10);
  const initialSyncMs = round(performance.now() - t0, 1);
  log(`${streamCount} streams hold the rule set ${initialSyncMs} ms after the operator started`);
  const pid = operator.proc.child.pid ?? 0;
  const settleSeconds = await waitForIdle(pid);
  log(`operator idle after ${settleSeconds} s more`);

  const target = flagKey(0); // v-0, a variant flag created enabled
  const latencies: number[] = [];
  const firsts: number[] = [];
  const requests: number[] = [];
  let timeouts = 0;
  for (let c = 0; c < changes; c++) {
    const before = await waitFor('streams to agree on one revision', settled, CHANGE_TIMEOUT_MS, 5);
    const sent = performance.now();
    await cluster.api.send(
      'PATCH',
      `/apis/ensign.dev/v1alpha1/namespaces/${NAMESPACE}/flags/${target}`,
      { spec: { enabled: c % 2 === 1 } },
      'application/merge-patch+json',
    );
    const returned = performance.now();
    requests.push(returned - sent);
    try {
      await allStreams((s) => s.revision !== before, CHANGE_TIMEOUT_MS);
      const arrivals = sidecars.map((s) => s.arrivedAt - returned);
      latencies.push(round(Math.max(...arrivals), 2));
      firsts.push(Math.min(...arrivals));
    } catch (error) {
      timeouts++;
      log(`change ${c}: ${String(error)}`);
    }
    // A gap between changes, so each is a separate event for the operator's debounce.
    await new Promise((r) => setTimeout(r, 100));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99Ms = percentile(sorted, 99);
  const record: PropagationRecord = {
    kind: 'propagation',
    flags,
    streams: streamCount,
    changes,
    applyMs,
    initialSyncMs,
    settleSeconds,
    latenciesMs: latencies,
    firstStreamMsMedian: round(median(firsts), 2),
    patchRequestMsMedian: round(median(requests), 2),
    p50Ms: percentile(sorted, 50),
    p99Ms,
    maxMs: sorted.at(-1) ?? Number.NaN,
    timeouts,
    targetP99Ms: TARGET_P99_MS,
    pass: timeouts === 0 && p99Ms < TARGET_P99_MS,
    flagsSeen: sidecars[0]?.lastFlags,
    operator: procUsage(pid),
  };
  console.log(JSON.stringify(record));
} finally {
  for (const s of sidecars) s.close();
  await operatorStop?.();
  await cluster.stop();
}
process.exit(0);
