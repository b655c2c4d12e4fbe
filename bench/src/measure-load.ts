// The reference's load method for one (engine, size): memory before (engine imported, nothing
// read, after gc), one cold load timed, memory after (input and temporaries dropped, after gc), then
// warm loads of distinct inputs, each after a gc outside the timing.
import { setTimeout as sleep } from 'node:timers/promises';
import { median, round } from './stats.ts';

export interface LoadTarget<I, H> {
  /** Reads the state from disk (untimed). */
  read(): I;
  /** A distinct copy of the input for warm load `rep`, so nothing can be recognised as unchanged. */
  distinct(input: I, rep: number): I;
  size(input: I): number;
  /** From the input to "ready to evaluate". */
  load(input: I): Promise<H>;
  /** Proves the loaded state evaluates (flag count and v-0 for a "pro" adult). */
  check(state: H): string;
  /** Makes `next` the live state; returns what is now live. */
  replace(live: H, next: H): H;
  dispose(live: H): void;
}

export interface LoadMeasurement {
  readonly inputBytes: number;
  readonly coldLoadMs: number;
  readonly warmLoadMsMedian: number;
  readonly warmLoadMsMin: number;
  readonly warmLoadMsMax: number;
  readonly warmReps: number;
  readonly rssBeforeMib: number;
  readonly rssAfterMib: number;
  readonly rssDeltaMib: number;
  readonly heapUsedDeltaMib: number;
  readonly externalDeltaMib: number;
  readonly check: string;
}

export interface MemoryProbe {
  readonly ns: () => bigint;
  readonly gc: () => void;
  readonly memory: () => NodeJS.MemoryUsage;
}

const MIB = 1048576;
const mib = (bytes: number): number => round(bytes / MIB, 1);
const ms = (t0: bigint, t1: bigint): number => Number(t1 - t0) / 1e6;

async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(30);
  }
}

interface ColdLoad<H> {
  readonly live: H;
  readonly inputBytes: number;
  readonly ms: number;
  readonly check: string;
}

// A function of its own so the input is unreachable once it returns (the "after" memory excludes it).
async function coldLoad<I, H>(target: LoadTarget<I, H>, probe: MemoryProbe): Promise<ColdLoad<H>> {
  const input = target.read();
  const t0 = probe.ns();
  const live = await target.load(input);
  const t1 = probe.ns();
  return { live, inputBytes: target.size(input), ms: ms(t0, t1), check: target.check(live) };
}

export async function measureLoad<I, H>(
  target: LoadTarget<I, H>,
  warmReps: number,
  probe: MemoryProbe,
): Promise<LoadMeasurement> {
  await settle(probe.gc);
  const before = probe.memory();
  const cold = await coldLoad(target, probe);
  await settle(probe.gc);
  const after = probe.memory();

  let live = cold.live;
  const base = target.read();
  const warm: number[] = [];
  for (let rep = 1; rep <= warmReps; rep++) {
    const next = target.distinct(base, rep);
    probe.gc();
    const t0 = probe.ns();
    const loaded = await target.load(next);
    const t1 = probe.ns();
    warm.push(ms(t0, t1));
    live = target.replace(live, loaded);
  }
  target.dispose(live);

  return {
    inputBytes: cold.inputBytes,
    coldLoadMs: round(cold.ms, 2),
    warmLoadMsMedian: round(median(warm), 2),
    warmLoadMsMin: round(Math.min(...warm), 2),
    warmLoadMsMax: round(Math.max(...warm), 2),
    warmReps,
    rssBeforeMib: mib(before.rss),
    rssAfterMib: mib(after.rss),
    rssDeltaMib: mib(after.rss - before.rss),
    heapUsedDeltaMib: mib(after.heapUsed - before.heapUsed),
    externalDeltaMib: mib(after.external - before.external),
    check: cold.check,
  };
}
