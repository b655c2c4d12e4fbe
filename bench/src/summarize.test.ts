import { describe, expect, it } from 'vitest';
import { busyWarning, describeComparison, formatNumber } from './format-report.ts';
import type { MachineInfo } from './machine-info.ts';
import type { EvalRecord, Round } from './records.ts';
import { aggregate, median, percentile } from './stats.ts';
import { checkTargets, formatRatio, summarize, type Comparison } from './summarize.ts';

function evalRecord(
  engine: EvalRecord['engine'],
  op: EvalRecord['op'],
  ns: number,
  rep: number,
): Round<EvalRecord> {
  return {
    kind: 'eval',
    engine,
    op,
    version: 'test',
    flags: 100,
    contexts: 10,
    warmupIters: 1,
    itersPerSample: 1,
    samples: 1,
    nsPerOpMedian: ns,
    nsPerOpMin: ns,
    nsPerOpMax: ns,
    opsPerSec: 1e9 / ns,
    latencyCalls: 1,
    p50Ns: ns,
    p90Ns: ns,
    p99Ns: ns,
    p999Ns: ns,
    maxNs: ns,
    timerOverheadP50Ns: 0,
    sink: 1,
    rep,
    loadavg1: 0,
  };
}

describe('statistics', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('reads percentiles at floor(p/100 · n) of a sorted array', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile(sorted, 99.9)).toBe(100);
  });

  it('reports the spread across rounds relative to the median', () => {
    expect(aggregate([90, 100, 110])).toEqual({ median: 100, min: 90, max: 110, spreadPct: 20, n: 3 });
  });
});

describe('summarize', () => {
  it('takes the median of per-round medians and divides each peer by Ensign', () => {
    const records = [
      evalRecord('ensign', 'variant', 100, 1),
      evalRecord('ensign', 'variant', 120, 2),
      evalRecord('ensign', 'variant', 110, 3),
      evalRecord('flagd', 'variant', 270, 1),
      evalRecord('flagd', 'variant', 250, 2),
      evalRecord('flagd', 'variant', 260, 3),
    ];
    const summary = summarize({ eval: records, load: [], compile: [] });
    const variant = summary.comparisons.find((c) => c.metric === 'variant');
    expect(variant?.ensign).toBe(110);
    expect(variant?.peers).toEqual([{ peer: 'flagd', value: 260, ratio: 2.36 }]);
    expect(summary.targets.find((t) => t.name.startsWith('variant'))).toEqual({
      name: 'variant ≥ 2× faster than flagd',
      measured: '2.4×',
      pass: true,
    });
  });

  it('marks targets without measurements as missed', () => {
    const targets = checkTargets([]);
    expect(targets).toHaveLength(7);
    expect(targets.every((t) => !t.pass && t.measured === 'not measured')).toBe(true);
  });

  it('checks the memory target against Ensign’s own RSS growth', () => {
    const rss = (ensign: number): Comparison => ({ metric: 'rss 10000', unit: 'MiB', ensign, peers: [] });
    const target = (c: Comparison) => checkTargets([c]).find((t) => t.name.startsWith('RSS'));
    expect(target(rss(19.5))?.pass).toBe(true);
    expect(target(rss(20.5))?.pass).toBe(false);
  });
});

describe('report text', () => {
  it('says how many times faster or slower Ensign is than each peer', () => {
    const text = describeComparison({
      metric: 'variant',
      unit: 'ns/op',
      ensign: 95,
      peers: [
        { peer: 'flagd', value: 259, ratio: 2.73 },
        { peer: 'unleash', value: 40, ratio: 0.42 },
      ],
    });
    expect(text).toBe(
      'ensign 95.0 ns/op — 2.7× faster than flagd (259 ns), 2.4× slower than unleash (40.0 ns)',
    );
  });

  it('rounds like the reference tables', () => {
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(95.25)).toBe('95.3');
    expect(formatRatio(89.4)).toBe('89');
    expect(formatRatio(2.71)).toBe('2.7');
  });
});

describe('busyWarning', () => {
  const machine = (start: number, end: number): MachineInfo => ({
    date: '2026-01-01T00:00:00.000Z',
    cpuModel: 'cpu',
    cpus: 2,
    nproc: '2',
    memTotalGib: 1,
    node: 'v24',
    v8: '13',
    kernel: 'Linux',
    commit: 'abc',
    loadavgStart: [start, 0, 0],
    loadavgEnd: [end, 0, 0],
  });

  it('stays silent while the load average is at most half the CPUs', () => {
    expect(busyWarning(machine(0.4, 1))).toBeUndefined();
  });

  it('warns with the worst load average seen at start or end', () => {
    expect(busyWarning(machine(0.4, 2.5))).toContain('load average up to 2.50 on 2 CPUs');
  });
});
