// The run's summary as console text and as Markdown tables (the same numbers; docs/benchmarks.md
// quotes the Markdown).
import type { MachineInfo } from './machine-info.ts';
import type { SanityRecord } from './records.ts';
import type { Share } from './sanity.ts';
import type { Aggregate } from './stats.ts';
import { formatRatio, type Comparison, type PeerRatio, type Summary } from './summarize.ts';

export interface Report {
  readonly machine: MachineInfo;
  readonly reps: number;
  readonly quick: boolean;
  readonly summary: Summary;
  readonly sanity: SanityRecord | null;
}

/** 1234.5 → "1,235"; 95.25 → "95.3" (the reference's rounding). */
export function formatNumber(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

const range = (a: Aggregate): string => `${formatNumber(a.min)}–${formatNumber(a.max)}`;
const cell = (a: Aggregate): string => `${formatNumber(a.median)} [${range(a)}]`;

function describePeer(unit: Comparison['unit'], p: PeerRatio): string {
  const value = `${formatNumber(p.value)} ${unit === 'ns/op' ? 'ns' : unit}`;
  const faster = unit === 'MiB' ? 'smaller than' : 'faster than';
  const slower = unit === 'MiB' ? 'larger than' : 'slower than';
  if (p.ratio >= 1) return `${formatRatio(p.ratio)}× ${faster} ${p.peer} (${value})`;
  return `${formatRatio(1 / p.ratio)}× ${slower} ${p.peer} (${value})`;
}

export function describeComparison(c: Comparison): string {
  const peers = c.peers.map((p) => describePeer(c.unit, p)).join(', ');
  return `ensign ${formatNumber(c.ensign)} ${c.unit} — ${peers}`;
}

function shareText(name: string, s: Share): string {
  return `${name} ${s.share.toFixed(4)} (expected ${s.expected} ± ${s.twoSigma.toFixed(4)} over ${s.trials.toLocaleString('en-US')})`;
}

function sanityLines(sanity: SanityRecord | null): string[] {
  if (sanity === null) return ['  not run'];
  const lines: string[] = [];
  for (const [engine, t] of Object.entries(sanity.engines)) {
    lines.push(
      `  ${engine.padEnd(8)} ${t.ok ? 'OK  ' : 'FAIL'} ${t.mismatches} rule mismatches of ${t.entities.toLocaleString('en-US')}; ` +
        [
          shareText('split control', t.naturalSplitControl),
          shareText('forced control', t.forcedControl),
          shareText('boolean true', t.booleanTrue),
        ].join('; '),
    );
  }
  const a = sanity.ensignAgreementWithFlipt;
  if (a !== null) {
    lines.push(
      `  ensign vs flipt, same answer per entity: variant ${a.variant}, forced split ${a.forced}, boolean ${a.boolean}`,
    );
  }
  return lines;
}

/** "load 10000 cold" → "10,000 flags cold"; "rss 1000" → "1,000 flags". */
function sizeLabel(metric: string): string {
  return metric.replace(
    /^(?:load|rss) (\d+)/,
    (_, n: string) => `${Number(n).toLocaleString('en-US')} flags`,
  );
}

/** A warning when another workload shared the CPUs: 1-minute load average above half the CPUs. */
export function busyWarning(machine: MachineInfo): string | undefined {
  const cpus = Number(machine.nproc) || machine.cpus;
  const worst = Math.max(machine.loadavgStart[0] ?? 0, machine.loadavgEnd?.[0] ?? 0);
  if (worst <= cpus / 2) return undefined;
  return `WARNING: the machine was busy (1-minute load average up to ${worst.toFixed(2)} on ${cpus} CPUs); absolute numbers are noisy, ratios less so.`;
}

export function formatConsole(report: Report): string {
  const { machine, summary } = report;
  const lines: string[] = [];
  lines.push(
    `Ensign vs peer engines — ${report.reps} round(s)${report.quick ? ' (quick)' : ''}; ${machine.cpuModel} ×${machine.nproc}, ` +
      `Node ${machine.node}; load average ${machine.loadavgStart[0]?.toFixed(2) ?? '?'} → ${machine.loadavgEnd?.[0]?.toFixed(2) ?? '?'}`,
  );
  const warning = busyWarning(machine);
  if (warning !== undefined) lines.push(warning);
  lines.push('', 'Evaluation (100-flag state, 10,000 cycling contexts; median of per-round medians):');
  for (const c of summary.comparisons.filter((x) => x.unit === 'ns/op')) {
    lines.push(`  ${c.metric.padEnd(10)} ${describeComparison(c)}`);
  }
  lines.push(
    '',
    'Load (state bytes → ready to evaluate; ensign = the sidecar store indexing the wire bytes):',
  );
  for (const c of summary.comparisons.filter((x) => x.unit === 'ms')) {
    lines.push(`  ${sizeLabel(c.metric).padEnd(18)} ${describeComparison(c)}`);
  }
  lines.push('', 'Memory (RSS Δ after the first load, after gc):');
  for (const c of summary.comparisons.filter((x) => x.unit === 'MiB')) {
    lines.push(`  ${sizeLabel(c.metric).padEnd(18)} ${describeComparison(c)}`);
  }
  lines.push(
    '',
    'Operator compile, for information (resources → RuleSet bytes; not part of the sidecar load):',
  );
  for (const c of summary.compile) {
    lines.push(
      `  ${c.flags.toLocaleString('en-US')} flags: schema ${formatNumber(c.schemaMs.median)} ms, compile ${formatNumber(c.compileColdMs.median)} ms cold / ` +
        `${formatNumber(c.compileWarmMs.median)} ms warm, encode ${formatNumber(c.encodeMs.median)} ms → ${(c.ruleSetBytes / 1024).toFixed(0)} KiB`,
    );
  }
  lines.push('', 'Correctness (10,000 entities):', ...sanityLines(report.sanity));
  lines.push('', 'Targets (reported only):');
  for (const t of summary.targets) lines.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.measured}`);
  return lines.join('\n');
}

function table(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function formatMarkdown(report: Report): string {
  const { machine, summary } = report;
  const parts: string[] = [];
  parts.push(
    `Machine: ${machine.cpuModel}, nproc ${machine.nproc}, ${machine.memTotalGib} GiB, Node ${machine.node} (V8 ${machine.v8}), ` +
      `${machine.kernel}; load average ${machine.loadavgStart.map((x) => x.toFixed(2)).join('/')} at start, ` +
      `${machine.loadavgEnd?.map((x) => x.toFixed(2)).join('/') ?? '?'} at end; ${report.reps} round(s)${report.quick ? ' (quick)' : ''}, ` +
      `${machine.wallSeconds ?? '?'} s wall; commit ${machine.commit}.`,
  );
  const warning = busyWarning(machine);
  if (warning !== undefined) parts.push(`**${warning}**`);
  parts.push(
    table(
      ['metric', 'ensign', 'flagd', 'flipt', 'unleash'],
      ['l', 'r', 'r', 'r', 'r'],
      summary.comparisons.map((c) => [
        `${c.metric} (${c.unit})`,
        formatNumber(c.ensign),
        ...(['flagd', 'flipt', 'unleash'] as const).map((peer) => {
          const p = c.peers.find((x) => x.peer === peer);
          return p === undefined ? '–' : `${formatNumber(p.value)} (${formatRatio(p.ratio)}×)`;
        }),
      ]),
    ),
  );
  parts.push(
    table(
      ['engine', 'op', 'ns/op [min–max]', 'ops/s', 'spread', 'p50 ns', 'p99 ns', 'p99.9 ns'],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
      summary.eval.map((s) => [
        s.engine,
        s.op,
        cell(s.nsPerOp),
        s.opsPerSecAtMedian.toLocaleString('en-US'),
        `${s.nsPerOp.spreadPct}%`,
        formatNumber(s.p50Ns.median),
        formatNumber(s.p99Ns.median),
        formatNumber(s.p999Ns.median),
      ]),
    ),
  );
  parts.push(
    table(
      [
        'engine',
        'flags',
        'input',
        'cold ms',
        'warm ms',
        'RSS before MiB',
        'RSS after MiB',
        'RSS Δ MiB',
        'heapUsed Δ MiB',
        'external Δ MiB',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      summary.load.map((s) => [
        s.engine,
        s.flags.toLocaleString('en-US'),
        `${(s.inputBytes / 1048576).toFixed(2)} MiB`,
        cell(s.coldLoadMs),
        cell(s.warmLoadMs),
        formatNumber(s.rssBeforeMib.median),
        cell(s.rssAfterMib),
        formatNumber(s.rssDeltaMib.median),
        formatNumber(s.heapUsedDeltaMib.median),
        formatNumber(s.externalDeltaMib.median),
      ]),
    ),
  );
  parts.push(
    table(
      [
        'flags',
        'resources JSON',
        'schema ms',
        'compile cold ms',
        'compile warm ms',
        'encode ms',
        'RuleSet bytes',
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
      summary.compile.map((c) => [
        c.flags.toLocaleString('en-US'),
        `${(c.inputBytes / 1048576).toFixed(2)} MiB`,
        cell(c.schemaMs),
        cell(c.compileColdMs),
        cell(c.compileWarmMs),
        cell(c.encodeMs),
        c.ruleSetBytes.toLocaleString('en-US'),
      ]),
    ),
  );
  if (report.sanity !== null) {
    parts.push(
      table(
        [
          'engine',
          'rule mismatches',
          'split control share (natural)',
          'control share (forced, all ids)',
          'boolean true share',
          'within 2σ',
        ],
        ['l', 'r', 'r', 'r', 'r', 'l'],
        Object.entries(report.sanity.engines).map(([engine, t]) => [
          engine,
          String(t.mismatches),
          `${t.naturalSplitControl.share.toFixed(4)} ± ${t.naturalSplitControl.twoSigma.toFixed(4)}`,
          `${t.forcedControl.share.toFixed(4)} ± ${t.forcedControl.twoSigma.toFixed(4)}`,
          `${t.booleanTrue.share.toFixed(4)} ± ${t.booleanTrue.twoSigma.toFixed(4)}`,
          t.ok ? 'yes' : 'NO',
        ]),
      ),
    );
  }
  parts.push(
    table(
      ['target (report only)', 'measured', 'result'],
      ['l', 'r', 'l'],
      summary.targets.map((t) => [t.name, t.measured, t.pass ? 'pass' : '**miss**']),
    ),
  );
  return parts.join('\n\n') + '\n';
}
