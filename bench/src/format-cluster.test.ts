import { describe, expect, it } from 'vitest';
import { formatCluster } from './format-cluster.ts';
import type { PropagationRecord } from './records.ts';

const usage = { cpuUserSeconds: 3, cpuSystemSeconds: 0.5, rssMib: 300, peakRssMib: 310 };
const propagation: PropagationRecord = {
  kind: 'propagation',
  flags: 1000,
  streams: 100,
  changes: 50,
  applyMs: 4000,
  initialSyncMs: 2500,
  settleSeconds: 6,
  latenciesMs: [100, 300],
  firstStreamMsMedian: 60,
  patchRequestMsMedian: 10,
  p50Ms: 100,
  p99Ms: 300,
  maxMs: 300,
  timeouts: 0,
  targetP99Ms: 250,
  pass: false,
  flagsSeen: 1000,
  operator: usage,
};

describe('formatCluster', () => {
  it('reports a missed propagation target and a skipped benchmark with its reason', () => {
    const text = formatCluster({ propagation, operatorScale: { skipped: 'no kube-apiserver' } });
    expect(text).toContain('MISS  p99 < 250 ms');
    expect(text).toContain('p99 300 ms');
    expect(text).toContain('Operator scale: skipped — no kube-apiserver');
  });

  it('prints nothing for benchmarks that were not selected', () => {
    expect(formatCluster({})).toBe('');
  });
});
