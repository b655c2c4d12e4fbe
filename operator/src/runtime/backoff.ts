// Exponential backoff with full jitter above a floor: restarts of watches, lists and lease attempts
// spread out instead of arriving at the API server together.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Random number in [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): initial × 2^attempt capped at max, then
 * jittered into [half, full] of that value so a fleet of replicas does not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const exp = policy.initialMs * 2 ** Math.min(attempt, 52);
  const capped = Math.min(policy.maxMs, exp);
  return Math.round(capped / 2 + (capped / 2) * policy.random());
}
