// Flipt's entity bucketing (reference/flipt-semantics.md §3.3–§3.5, §4), float32-exact.

import { CRC32_INIT, crc32Final, crc32Update } from './crc32.ts';

/** Variant flags bucket entities into 0..999. */
export const VARIANT_BUCKETS = 1000;
/** Boolean threshold rollouts bucket entities into 0..99. */
export const PERCENT_BUCKETS = 100;

// A distribution's float32 rollouts add up to 100 within float32 rounding (at most 2^-24 relative per
// term, so under 1e-5 in total); a sum this close to 100 covers every bucket.
const FULL_SUM_SLACK = 1e-5;

/** Flipt's variant bucket: crc32(flagKey + entityId) % 1000, from the register after the flag key. */
export function variantBucket(stateAfterFlagKey: number, entityId: string): number {
  return crc32Final(crc32Update(stateAfterFlagKey, entityId)) % VARIANT_BUCKETS;
}

/** Flipt's boolean threshold hash: crc32(entityId + flagKey) % 100 (entity first). */
export function percentBucket(entityId: string, flagKey: string): number {
  return crc32Final(crc32Update(crc32Update(CRC32_INIT, entityId), flagKey)) % PERCENT_BUCKETS;
}

/** Buckets one distribution spans in Flipt v1: `trunc(float32(float32(rollout) * 10))`. */
export function distributionSize(rollout: number): number {
  return Math.trunc(Math.fround(Math.fround(rollout) * 10));
}

/**
 * Upper bucket bounds (exclusive) of distributions with the given positive rollouts, in list order:
 * Flipt v1's per-distribution truncation `trunc(float32(float32(rollout) * 10))`, summed. When the
 * rollouts add up to 100 the last bound is raised to 1000 (as Flipt v2 does), so float32 rounding
 * such as 33.33 + 33.33 + 33.34 → 333, 666, 999 cannot leave bucket 999 uncovered. Below 100 the
 * remaining buckets stay uncovered (Flipt v1: no distribution matches).
 */
export function distributionThresholds(rollouts: readonly number[]): number[] {
  const thresholds: number[] = [];
  let bound = 0;
  let sum = 0;
  for (const rollout of rollouts) {
    sum += Math.fround(rollout);
    bound += distributionSize(rollout);
    thresholds.push(bound);
  }
  const last = thresholds.length - 1;
  if (last >= 0 && sum >= 100 - FULL_SUM_SLACK) {
    thresholds[last] = Math.max(bound, VARIANT_BUCKETS);
  }
  return thresholds;
}
