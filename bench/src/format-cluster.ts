// The cluster benchmarks' results as text for the console and Markdown for docs/benchmarks.md.
import { formatNumber } from './format-report.ts';
import type { ProcUsage } from './proc-usage.ts';
import type { OperatorScaleRecord, PropagationRecord } from './records.ts';

export interface ClusterResults {
  readonly propagation?: PropagationRecord | { readonly skipped: string };
  readonly operatorScale?: OperatorScaleRecord | { readonly skipped: string };
}

const cpu = (u: ProcUsage): string => `${(u.cpuUserSeconds + u.cpuSystemSeconds).toFixed(2)} s`;

export function propagationLines(r: PropagationRecord): string[] {
  const verdict = r.pass ? 'PASS' : 'MISS';
  return [
    `Propagation (${r.flags.toLocaleString('en-US')} flags, ${r.streams} sync streams, ${r.changes} merge-patches; patch response → ALL streams hold the new revision):`,
    `  p50 ${formatNumber(r.p50Ms)} ms, p99 ${formatNumber(r.p99Ms)} ms, max ${formatNumber(r.maxMs)} ms; first stream p50 ${formatNumber(r.firstStreamMsMedian)} ms; patch request ${formatNumber(r.patchRequestMsMedian)} ms; timeouts ${r.timeouts}`,
    `  ${verdict}  p99 < ${r.targetP99Ms} ms (reported only)`,
    `  setup: create ${formatNumber(r.applyMs)} ms, operator start → all streams synced ${formatNumber(r.initialSyncMs)} ms; operator RSS ${r.operator.rssMib} MiB, CPU ${cpu(r.operator)}`,
  ];
}

export function operatorScaleLines(r: OperatorScaleRecord): string[] {
  const c = r.compileInProcessMs;
  const histogram =
    r.compileHistogram === undefined
      ? 'the operator observed no compile_duration samples'
      : `operator histogram mean ${r.compileHistogram.meanMs} ms over ${r.compileHistogram.count} compiles`;
  return [
    `Operator scale (${r.namespaces} namespaces × ${r.flagsPerNamespace} flags, cold start):`,
    `  operator start → ready ${formatNumber(r.readyMs)} ms, → all namespaces published ${formatNumber(r.allPublishedMs)} ms`,
    `  at publish: RSS ${r.atPublished.rssMib} MiB, CPU ${cpu(r.atPublished)}; settled (+${r.settleSeconds} s): RSS ${r.settled.rssMib} MiB (peak ${r.settled.peakRssMib}), CPU ${cpu(r.settled)}`,
    `  compile per namespace (in-process compile()): p50 ${c.p50} ms, p99 ${c.p99} ms, max ${c.max} ms, mean ${c.mean} ms; ${histogram}`,
    `  setup: creating ${(r.namespaces * (r.flagsPerNamespace + 3)).toLocaleString('en-US')} objects took ${formatNumber(r.applyMs)} ms`,
  ];
}

function section<R extends object>(
  result: R | { readonly skipped: string } | undefined,
  name: string,
  lines: (r: R) => string[],
): string[] {
  if (result === undefined) return [];
  if ('skipped' in result) return [`${name}: skipped — ${result.skipped}`];
  return lines(result);
}

export function formatCluster(results: ClusterResults): string {
  return [
    ...section(results.propagation, 'Propagation', propagationLines),
    ...section(results.operatorScale, 'Operator scale', operatorScaleLines),
  ].join('\n');
}
