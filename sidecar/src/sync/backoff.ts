// Reconnect delays: exponential with full jitter, so a fleet of sidecars that lost the operator at
// the same moment does not reconnect in lock-step.
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(options.minMs / 2 + options.random() * (ceiling - options.minMs / 2));
}
