// Rounds of per-process records → one summary: the median of the per-round medians with the range
// and spread across rounds, Ensign's ratio against each peer, and the targets checked (report only).
import { OPS, PEERS, type EngineName, type Op, type PeerName } from './eval-engine.ts';
import type { CompileRecord, EvalRecord, LoadRecord, Round } from './records.ts';
import { aggregate, median, round, type Aggregate } from './stats.ts';

export interface EvalSummary {
  readonly engine: EngineName;
  readonly op: Op;
  readonly version: string;
  readonly nsPerOp: Aggregate;
  readonly opsPerSecAtMedian: number;
  readonly p50Ns: Aggregate;
  readonly p99Ns: Aggregate;
  readonly p999Ns: Aggregate;
}

export interface LoadSummary {
  readonly engine: EngineName;
  readonly flags: number;
  readonly version: string;
  readonly inputBytes: number;
  readonly coldLoadMs: Aggregate;
  readonly warmLoadMs: Aggregate;
  readonly rssBeforeMib: Aggregate;
  readonly rssAfterMib: Aggregate;
  readonly rssDeltaMib: Aggregate;
  readonly heapUsedDeltaMib: Aggregate;
  readonly externalDeltaMib: Aggregate;
}

export interface CompileSummary {
  readonly flags: number;
  readonly inputBytes: number;
  readonly ruleSetBytes: number;
  readonly schemaMs: Aggregate;
  readonly compileColdMs: Aggregate;
  readonly compileWarmMs: Aggregate;
  readonly encodeMs: Aggregate;
}

/** `ratio` = peer ÷ Ensign of a lower-is-better value: above 1, Ensign is that many times faster (or smaller). */
export interface PeerRatio {
  readonly peer: PeerName;
  readonly value: number;
  readonly ratio: number;
}

export interface Comparison {
  /** e.g. `variant`, `load 10000 cold`, `rss 10000`. */
  readonly metric: string;
  readonly unit: 'ns/op' | 'ms' | 'MiB';
  readonly ensign: number;
  readonly peers: readonly PeerRatio[];
}

export interface Target {
  readonly name: string;
  /** What was measured, in words (e.g. `2.7×`). */
  readonly measured: string;
  readonly pass: boolean;
}

export interface Summary {
  readonly eval: readonly EvalSummary[];
  readonly load: readonly LoadSummary[];
  readonly compile: readonly CompileSummary[];
  readonly comparisons: readonly Comparison[];
  readonly targets: readonly Target[];
}

export interface CollectedRecords {
  readonly eval: readonly Round<EvalRecord>[];
  readonly load: readonly Round<LoadRecord>[];
  readonly compile: readonly Round<CompileRecord>[];
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

function over<T>(runs: readonly T[], value: (t: T) => number): Aggregate {
  return aggregate(runs.map(value));
}

function summarizeEval(runs: readonly EvalRecord[]): EvalSummary | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;
  return {
    engine: first.engine,
    op: first.op,
    version: first.version,
    nsPerOp: over(runs, (r) => r.nsPerOpMedian),
    opsPerSecAtMedian: Math.round(1e9 / median(runs.map((r) => r.nsPerOpMedian))),
    p50Ns: over(runs, (r) => r.p50Ns),
    p99Ns: over(runs, (r) => r.p99Ns),
    p999Ns: over(runs, (r) => r.p999Ns),
  };
}

function summarizeLoad(runs: readonly LoadRecord[]): LoadSummary | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;
  return {
    engine: first.engine,
    flags: first.flags,
    version: first.version,
    inputBytes: first.inputBytes,
    coldLoadMs: over(runs, (r) => r.coldLoadMs),
    warmLoadMs: over(runs, (r) => r.warmLoadMsMedian),
    rssBeforeMib: over(runs, (r) => r.rssBeforeMib),
    rssAfterMib: over(runs, (r) => r.rssAfterMib),
    rssDeltaMib: over(runs, (r) => r.rssDeltaMib),
    heapUsedDeltaMib: over(runs, (r) => r.heapUsedDeltaMib),
    externalDeltaMib: over(runs, (r) => r.externalDeltaMib),
  };
}

function summarizeCompile(runs: readonly CompileRecord[]): CompileSummary | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;
  return {
    flags: first.flags,
    inputBytes: first.inputBytes,
    ruleSetBytes: first.ruleSetBytes,
    schemaMs: over(runs, (r) => r.schemaMs),
    compileColdMs: over(runs, (r) => r.compileColdMs),
    compileWarmMs: over(runs, (r) => r.compileWarmMsMedian),
    encodeMs: over(runs, (r) => r.encodeMs),
  };
}

const defined = <T>(x: T | undefined): x is T => x !== undefined;

function compare(
  metric: string,
  unit: Comparison['unit'],
  valueOf: (engine: EngineName) => number | undefined,
): Comparison | undefined {
  const ensign = valueOf('ensign');
  if (ensign === undefined) return undefined;
  const peers: PeerRatio[] = [];
  for (const peer of PEERS) {
    const value = valueOf(peer);
    if (value !== undefined) peers.push({ peer, value, ratio: round(value / ensign, 2) });
  }
  return { metric, unit, ensign, peers };
}

export function summarize(records: CollectedRecords): Summary {
  const evals = [...groupBy(records.eval, (r) => `${r.engine}|${r.op}`).values()]
    .map(summarizeEval)
    .filter(defined);
  const loads = [...groupBy(records.load, (r) => `${r.engine}|${r.flags}`).values()]
    .map(summarizeLoad)
    .filter(defined);
  const compiles = [...groupBy(records.compile, (r) => String(r.flags)).values()]
    .map(summarizeCompile)
    .filter(defined);
  const evalOf = (engine: EngineName, op: Op) => evals.find((s) => s.engine === engine && s.op === op);
  const loadOf = (engine: EngineName, flags: number) =>
    loads.find((s) => s.engine === engine && s.flags === flags);

  const comparisons: Comparison[] = [];
  for (const op of OPS)
    comparisons.push(...[compare(op, 'ns/op', (e) => evalOf(e, op)?.nsPerOp.median)].filter(defined));
  const sizes = [...new Set(loads.map((s) => s.flags))].sort((a, b) => a - b);
  for (const n of sizes) {
    const more = [
      compare(`load ${n} cold`, 'ms', (e) => loadOf(e, n)?.coldLoadMs.median),
      compare(`load ${n} warm`, 'ms', (e) => loadOf(e, n)?.warmLoadMs.median),
      compare(`rss ${n}`, 'MiB', (e) => loadOf(e, n)?.rssDeltaMib.median),
    ];
    comparisons.push(...more.filter(defined));
  }
  return { eval: evals, load: loads, compile: compiles, comparisons, targets: checkTargets(comparisons) };
}

function ratioTo(comparisons: readonly Comparison[], metric: string, peer: PeerName): number | undefined {
  return comparisons.find((c) => c.metric === metric)?.peers.find((p) => p.peer === peer)?.ratio;
}

function atLeast(name: string, ratio: number | undefined, min: number): Target {
  if (ratio === undefined) return { name, measured: 'not measured', pass: false };
  return { name, measured: `${formatRatio(ratio)}×`, pass: ratio >= min };
}

/** The project's performance targets (reported, never enforced). */
export function checkTargets(comparisons: readonly Comparison[]): Target[] {
  const rss = comparisons.find((c) => c.metric === 'rss 10000')?.ensign;
  return [
    atLeast('variant ≥ 2× faster than flagd', ratioTo(comparisons, 'variant', 'flagd'), 2),
    atLeast('boolean ≥ 2× faster than flagd', ratioTo(comparisons, 'boolean', 'flagd'), 2),
    atLeast(
      '10k-flag load (cold) ≥ 20× faster than flagd',
      ratioTo(comparisons, 'load 10000 cold', 'flagd'),
      20,
    ),
    atLeast(
      '10k-flag load (warm) ≥ 20× faster than flagd',
      ratioTo(comparisons, 'load 10000 warm', 'flagd'),
      20,
    ),
    atLeast(
      '10k-flag load (cold) faster than unleash',
      ratioTo(comparisons, 'load 10000 cold', 'unleash'),
      1,
    ),
    atLeast(
      '10k-flag load (warm) faster than unleash',
      ratioTo(comparisons, 'load 10000 warm', 'unleash'),
      1,
    ),
    rss === undefined
      ? { name: 'RSS Δ for 10k flags ≤ 20 MiB', measured: 'not measured', pass: false }
      : { name: 'RSS Δ for 10k flags ≤ 20 MiB', measured: `${rss} MiB`, pass: rss <= 20 },
  ];
}

/** 2.71 → "2.7", 89.4 → "89". */
export function formatRatio(ratio: number): string {
  return ratio >= 10 ? String(Math.round(ratio)) : ratio.toFixed(1);
}
