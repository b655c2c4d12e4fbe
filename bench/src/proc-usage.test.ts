import { describe, expect, it } from 'vitest';
import { parseStatTicks, procUsage, statusKib } from './proc-usage.ts';

describe('parseStatTicks', () => {
  it('reads utime and stime even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 52 0 0 20 0 11 0 999';
    expect(parseStatTicks(stat)).toEqual({ user: 731, system: 52 });
  });
});

describe('statusKib', () => {
  it('reads a kB line of /proc/<pid>/status in MiB', () => {
    expect(statusKib('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n', 'VmRSS')).toBe(100);
  });
});

describe('procUsage', () => {
  it('reports this process as using some CPU and memory', () => {
    const usage = procUsage(process.pid);
    expect(usage.rssMib).toBeGreaterThan(10);
    expect(usage.peakRssMib).toBeGreaterThanOrEqual(usage.rssMib);
    expect(usage.cpuUserSeconds + usage.cpuSystemSeconds).toBeGreaterThan(0);
  });
});
