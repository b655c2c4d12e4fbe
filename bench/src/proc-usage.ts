// A process's CPU time and memory from Linux /proc (the operator's cost, read from outside it).
import { readFileSync } from 'node:fs';

export interface ProcUsage {
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly rssMib: number;
  /** Peak RSS (VmHWM). */
  readonly peakRssMib: number;
}

/** utime and stime (fields 14 and 15 of /proc/<pid>/stat) in clock ticks; the name in field 2 may hold spaces. */
export function parseStatTicks(stat: string): { user: number; system: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** A `Name:   value kB` line of /proc/<pid>/status, in MiB. */
export function statusKib(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
}

/** Linux's USER_HZ is 100 on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

export function procUsage(pid: number): ProcUsage {
  const ticks = parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuUserSeconds: ticks.user / TICKS_PER_SECOND,
    cpuSystemSeconds: ticks.system / TICKS_PER_SECOND,
    rssMib: Math.round(statusKib(status, 'VmRSS') * 10) / 10,
    peakRssMib: Math.round(statusKib(status, 'VmHWM') * 10) / 10,
  };
}
