// The reference's evaluation method for one (engine, op): warm up, calibrate the iteration count to
// a target sample length, take timed samples of the whole loop (median ns/op), then time calls one by
// one for the latency percentiles.
import { median, percentile, round } from './stats.ts';

export interface EvalSettings {
  readonly warmupMs: number;
  readonly sampleMs: number;
  readonly samples: number;
  readonly latencyMs: number;
}

export const FULL_EVAL: EvalSettings = { warmupMs: 1500, sampleMs: 60, samples: 15, latencyMs: 1500 };
export const QUICK_EVAL: EvalSettings = { warmupMs: 200, sampleMs: 20, samples: 5, latencyMs: 200 };

const LATENCY_MIN_CALLS = 20_000;
const LATENCY_MAX_CALLS = 300_000;
const TIMER_PAIRS = 100_000;

export interface EvalMeasurement {
  readonly warmupIters: number;
  readonly itersPerSample: number;
  readonly samples: number;
  readonly nsPerOpMedian: number;
  readonly nsPerOpMin: number;
  readonly nsPerOpMax: number;
  readonly opsPerSec: number;
  readonly latencyCalls: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly maxNs: number;
  /** An empty pair of clock reads; included in (not subtracted from) the per-call numbers. */
  readonly timerOverheadP50Ns: number;
  /** How many calls returned something truthy (keeps results observable). */
  readonly sink: number;
}

export interface Clock {
  /** Monotonic nanoseconds. */
  readonly ns: () => bigint;
  /** Wall milliseconds, for the warm-up deadline. */
  readonly ms: () => number;
  readonly gc: () => void;
}

export function measureEval<C>(
  fn: (c: C) => unknown,
  contexts: readonly C[],
  settings: EvalSettings,
  clock: Clock,
): EvalMeasurement {
  const n = contexts.length;
  let idx = 0;
  let sink = 0;
  const run = (iters: number): number => {
    const t0 = clock.ns();
    for (let k = 0; k < iters; k++) {
      if (fn(contexts[idx] as C)) sink++;
      idx = idx + 1 === n ? 0 : idx + 1;
    }
    return Number(clock.ns() - t0);
  };

  const warmupEnd = clock.ms() + settings.warmupMs;
  let warmupIters = 0;
  while (clock.ms() < warmupEnd) {
    run(500);
    warmupIters += 500;
  }

  let iters = 200;
  let t = run(iters);
  while (t < 5e6) {
    iters *= 2;
    t = run(iters);
  }
  iters = Math.max(100, Math.round((iters * settings.sampleMs * 1e6) / t));

  clock.gc();
  const samples: number[] = [];
  for (let s = 0; s < settings.samples; s++) samples.push(run(iters) / iters);
  const med = median(samples);

  const calls = Math.min(
    LATENCY_MAX_CALLS,
    Math.max(LATENCY_MIN_CALLS, Math.round((settings.latencyMs * 1e6) / med)),
  );
  const latency = new Float64Array(calls);
  clock.gc();
  for (let k = 0; k < calls; k++) {
    const c = contexts[idx] as C;
    idx = idx + 1 === n ? 0 : idx + 1;
    const t0 = clock.ns();
    const r = fn(c);
    const t1 = clock.ns();
    latency[k] = Number(t1 - t0);
    if (r) sink++;
  }
  latency.sort();
  const overhead = new Float64Array(TIMER_PAIRS);
  for (let k = 0; k < TIMER_PAIRS; k++) {
    const t0 = clock.ns();
    const t1 = clock.ns();
    overhead[k] = Number(t1 - t0);
  }
  overhead.sort();

  return {
    warmupIters,
    itersPerSample: iters,
    samples: settings.samples,
    nsPerOpMedian: round(med, 1),
    nsPerOpMin: round(Math.min(...samples), 1),
    nsPerOpMax: round(Math.max(...samples), 1),
    opsPerSec: Math.round(1e9 / med),
    latencyCalls: calls,
    p50Ns: percentile(latency, 50),
    p90Ns: percentile(latency, 90),
    p99Ns: percentile(latency, 99),
    p999Ns: percentile(latency, 99.9),
    maxNs: latency[calls - 1] as number,
    timerOverheadP50Ns: percentile(overhead, 50),
    sink,
  };
}
