// `npm run bench`: Ensign's engine against flagd-core, flipt-client-js and unleash-client in one
// run, by the method of reference/peer-benchmarks (see docs/benchmarks.md). Every (engine, op) and
// (engine, size) runs in its own fresh process; rounds interleave the engines.
// The cluster benchmarks (propagation, operator scale) run the operator binary against the test
// harness's kube-apiserver; they are skipped, with the reason, when its binaries are not built.
// Usage: node --expose-gc bench/src/run.ts [--reps 3] [--quick] [--only engines|propagation|operator]…
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runChild } from './child-process.ts';
import { controlPlaneBinaries } from './bench-cluster.ts';
import { writeDataFiles } from './data-files.ts';
import { ENGINES, OPS } from './eval-engine.ts';
import { formatCluster, type ClusterResults } from './format-cluster.ts';
import { formatConsole, formatMarkdown, type Report } from './format-report.ts';
import { machineInfo } from './machine-info.ts';
import type {
  CompileRecord,
  EvalRecord,
  LoadRecord,
  OperatorScaleRecord,
  PropagationRecord,
  Round,
  SanityRecord,
} from './records.ts';
import { summarize } from './summarize.ts';

const LOAD_SIZES = [1000, 10_000];
const RESULTS_DIR = new URL('../results/', import.meta.url);

const BENCHMARKS = ['engines', 'propagation', 'operator'] as const;

const { values } = parseArgs({
  options: {
    reps: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
  },
});
const only = values.only ?? [...BENCHMARKS];
for (const name of only)
  if (!(BENCHMARKS as readonly string[]).includes(name))
    throw new Error(`--only takes ${BENCHMARKS.join(', ')}; got ${name}`);
const selected = (name: (typeof BENCHMARKS)[number]): boolean => only.includes(name);
const quick = values.quick;
const reps = Number(values.reps ?? (quick ? 1 : 3));
if (!Number.isInteger(reps) || reps < 1)
  throw new Error(`--reps must be a positive integer, got ${values.reps}`);
const quickArgs = quick ? ['--quick'] : [];
const loadRepArgs = quick ? ['--reps', '2'] : [];

const started = Date.now();
const machineAtStart = machineInfo(new Date(started));
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
log(`machine ${JSON.stringify(machineAtStart)}`);

function runEngines() {
  writeDataFiles(LOAD_SIZES);

  function inRound<R>(record: R, rep: number): Round<R> {
    return { ...record, rep, loadavg1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100 };
  }

  const evalRuns: Round<EvalRecord>[] = [];
  const loadRuns: Round<LoadRecord>[] = [];
  const compileRuns: Round<CompileRecord>[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const engine of ENGINES) {
      for (const op of OPS) {
        const r = inRound(runChild('eval-process.ts', [engine, op, ...quickArgs]) as EvalRecord, rep);
        evalRuns.push(r);
        log(
          `[round ${rep}] eval ${engine} ${op}: ${r.nsPerOpMedian} ns/op, p50 ${r.p50Ns} ns, p99 ${r.p99Ns} ns`,
        );
      }
    }
    for (const engine of ENGINES) {
      for (const n of LOAD_SIZES) {
        const r = inRound(
          runChild('load-process.ts', [engine, String(n), ...loadRepArgs]) as LoadRecord,
          rep,
        );
        loadRuns.push(r);
        log(
          `[round ${rep}] load ${engine} ${n}: cold ${r.coldLoadMs} ms, warm ${r.warmLoadMsMedian} ms, RSS Δ ${r.rssDeltaMib} MiB (${r.check})`,
        );
      }
    }
    for (const n of LOAD_SIZES) {
      const r = inRound(runChild('compile-process.ts', [String(n), ...loadRepArgs]) as CompileRecord, rep);
      compileRuns.push(r);
      log(
        `[round ${rep}] compile ${n}: schema ${r.schemaMs} ms, compile ${r.compileColdMs} ms cold, encode ${r.encodeMs} ms`,
      );
    }
  }
  const sanity = runChild('sanity-process.ts', []) as SanityRecord;

  const summary = summarize({ eval: evalRuns, load: loadRuns, compile: compileRuns });
  return { summary, sanity, raw: { eval: evalRuns, load: loadRuns, compile: compileRuns } };
}

/** Runs a cluster benchmark in its own process, or says why it cannot. */
function runCluster(script: string, skipReason: string | undefined): unknown {
  if (skipReason !== undefined) {
    log(`skipping ${script}: ${skipReason}`);
    return { skipped: skipReason };
  }
  return runChild(script, []);
}

const engines = selected('engines') ? runEngines() : undefined;
const wantsCluster = selected('propagation') || selected('operator');
const binaries = wantsCluster ? await controlPlaneBinaries() : undefined;
const clusterSkip = typeof binaries === 'string' ? binaries : undefined;
const cluster: ClusterResults = {
  ...(selected('propagation')
    ? {
        propagation: runCluster('propagation-process.ts', clusterSkip) as
          PropagationRecord | { skipped: string },
      }
    : {}),
  ...(selected('operator')
    ? {
        operatorScale: runCluster('operator-scale-process.ts', clusterSkip) as
          OperatorScaleRecord | { skipped: string },
      }
    : {}),
};
for (const [name, result] of Object.entries(cluster)) log(`${name}: ${JSON.stringify(result)}`);

const machine = {
  ...machineAtStart,
  loadavgEnd: os.loadavg(),
  wallSeconds: Math.round((Date.now() - started) / 1000),
};
const report: Report | undefined =
  engines === undefined
    ? undefined
    : { machine, reps, quick, summary: engines.summary, sanity: engines.sanity };
const clusterText = formatCluster(cluster);
const markdown = [
  report === undefined ? '' : formatMarkdown(report),
  clusterText === '' ? '' : `\`\`\`\n${clusterText}\n\`\`\``,
]
  .filter((part) => part !== '')
  .join('\n\n');
const output = {
  machine,
  only,
  ...(report === undefined
    ? {}
    : {
        reps,
        quick,
        summary: report.summary,
        sanity: report.sanity,
        method: {
          evalFlags: 100,
          contexts: 10_000,
          evalSettings: quick
            ? 'quick: 0.2 s warm-up, 5 × 20 ms samples, 0.2 s latency'
            : '1.5 s warm-up, 15 × 60 ms samples, 1.5 s latency',
          loadSizes: LOAD_SIZES,
          warmLoads: quick ? 2 : 'ten at 1,000 flags, five at 10,000',
        },
        raw: engines?.raw,
      }),
  ...cluster,
  markdown,
};
mkdirSync(RESULTS_DIR, { recursive: true });
const json = `${JSON.stringify(output, null, 2)}\n`;
const stamp = machine.date.replace(/[:.]/g, '-');
writeFileSync(new URL(`${stamp}.json`, RESULTS_DIR), json);
writeFileSync(new URL('latest.json', RESULTS_DIR), json);

if (report !== undefined) console.log(formatConsole(report));
if (clusterText !== '') console.log(`${report === undefined ? '' : '\n'}${clusterText}`);
console.log(`\nWrote bench/results/${stamp}.json and bench/results/latest.json`);
