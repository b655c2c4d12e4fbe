// Time as the APIs see it: wall time for response timestamps, a monotonic source for durations.

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Monotonic nanoseconds (process.hrtime.bigint in production). */
  hrtime(): bigint;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  hrtime: () => process.hrtime.bigint(),
};

/** Milliseconds between two hrtime readings, as the float Flipt reports in requestDurationMillis. */
export function elapsedMillis(start: bigint, end: bigint): number {
  return Number(end - start) / 1e6;
}
