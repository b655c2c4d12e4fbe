// Operator scale: N namespaces × F flags (the benchmark mix: variant flags whose rules name
// Segments, boolean flags with a rollout) created on a real API server, then the operator binary
// started cold over the whole cluster. Measures the time until every namespace's rule set is
// published with all its flags (the operator's `ensign_operator_ruleset_flags` gauge), the
// operator's RSS and CPU time from /proc, and compile time per namespace. Prints one JSON line
// (an OperatorScaleRecord).
// Usage: node bench/src/operator-scale-process.ts [--namespaces 100] [--flags 100]
import { parseArgs } from 'node:util';
import { compile } from '@ensign/operator/compiler/compile.ts';
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
import type { EnsignWorkload } from './ensign-workload.ts';
import { sample, samplesByLabel } from './prometheus-text.ts';
import { procUsage } from './proc-usage.ts';
import type { OperatorScaleRecord } from './records.ts';
import { percentile, round } from './stats.ts';

const { values } = parseArgs({ options: { namespaces: { type: 'string' }, flags: { type: 'string' } } });
const namespaceCount = Number(values.namespaces ?? 100);
const flagsPerNamespace = Number(values.flags ?? 100);
const log = (line: string): void => {
  process.stderr.write(`[operator-scale] ${line}\n`);
};

const names = Array.from({ length: namespaceCount }, (_, i) => `bench-scale-${String(i).padStart(3, '0')}`);
const workloads = new Map<string, EnsignWorkload>(
  names.map((n) => [n, namespaceWorkload(n, flagsPerNamespace)]),
);

const binaries = await controlPlaneBinaries();
if (typeof binaries === 'string') throw new Error(binaries);
const cluster = await startBenchCluster(binaries, log);
let operatorStop: (() => Promise<unknown>) | undefined;
try {
  let t0 = performance.now();
  for (const name of names) await createNamespace(cluster.api, name);
  const objects = [...workloads.values()].flatMap((w) => [...w.segments, ...w.flags]);
  await createAll(cluster.api, objects);
  const applyMs = round(performance.now() - t0, 1);
  log(`created ${objects.length} objects in ${namespaceCount} namespaces in ${applyMs} ms`);

  t0 = performance.now();
  const operator = await spawnBenchOperator(cluster.operatorKubeconfig, []);
  operatorStop = () => operator.proc.stop();
  const pid = operator.proc.child.pid ?? 0;
  await waitForReady(operator.proc, operator.ports.ops, 120_000);
  const readyMs = round(performance.now() - t0, 1);
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${operator.ports.ops}/metrics`)).text();
  await waitFor(
    `all ${namespaceCount} namespaces published with ${flagsPerNamespace} flags`,
    async () => {
      const published = samplesByLabel(await metrics(), 'ensign_operator_ruleset_flags', 'namespace');
      return names.every((n) => published.get(n) === flagsPerNamespace) ? true : undefined;
    },
    300_000,
    20,
  );
  const allPublishedMs = round(performance.now() - t0, 1);
  const atPublished = procUsage(pid);
  log(`all namespaces published ${allPublishedMs} ms after the operator started (ready at ${readyMs} ms)`);
  const settleSeconds = await waitForIdle(pid, 300_000);
  const settled = procUsage(pid);
  log(`settled after ${settleSeconds} s: RSS ${settled.rssMib} MiB`);

  const text = await metrics();
  const count = sample(text, 'ensign_operator_compile_duration_seconds_count') ?? 0;
  const sum = sample(text, 'ensign_operator_compile_duration_seconds_sum') ?? 0;
  const compileHistogram = count > 0 ? { count, meanMs: round((1000 * sum) / count, 3) } : undefined;

  const compileTimes: number[] = [];
  for (const [namespace, w] of workloads) {
    const start = performance.now();
    compile({ namespace, flags: w.flags, segments: w.segments });
    compileTimes.push(performance.now() - start);
  }
  const sorted = [...compileTimes].sort((a, b) => a - b);
  const record: OperatorScaleRecord = {
    kind: 'operator-scale',
    namespaces: namespaceCount,
    flagsPerNamespace,
    applyMs,
    readyMs,
    allPublishedMs,
    atPublished,
    settled,
    settleSeconds,
    compileHistogram,
    compileInProcessMs: {
      p50: round(percentile(sorted, 50), 3),
      p99: round(percentile(sorted, 99), 3),
      max: round(sorted.at(-1) ?? Number.NaN, 3),
      mean: round(compileTimes.reduce((a, b) => a + b, 0) / compileTimes.length, 3),
      namespaces: compileTimes.length,
    },
  };
  console.log(JSON.stringify(record));
} finally {
  await operatorStop?.();
  await cluster.stop();
}
process.exit(0);
