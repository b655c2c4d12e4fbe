// What the numbers were measured on: results from another machine compare only as ratios.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly nproc: string;
  readonly memTotalGib: number;
  readonly node: string;
  readonly v8: string;
  readonly kernel: string;
  readonly commit: string;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd?: readonly number[];
  readonly wallSeconds?: number;
}

function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
}

export function machineInfo(now: Date): MachineInfo {
  return {
    date: now.toISOString(),
    cpuModel: os.cpus()[0]?.model ?? '?',
    cpus: os.cpus().length,
    nproc: run('nproc', []),
    memTotalGib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    kernel: `${os.type()} ${os.release()}`,
    commit: run('git', ['rev-parse', '--short', 'HEAD']),
    loadavgStart: os.loadavg(),
  };
}
