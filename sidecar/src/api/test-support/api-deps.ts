// Evaluation-API dependencies for tests: the real engine over hand-compiled rule sets, a real
// metrics registry, a clock that advances a fixed step per reading and numbered request ids.
import { Registry } from 'prom-client';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createSidecarMetrics } from '../../observability/metrics.ts';
import { allowAllNamespaces, allowAnonymous } from '../auth-hooks.ts';
import type { Clock } from '../clock.ts';
import type { ApiLogger, EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { createReadinessSwitch } from '../readiness.ts';
import type { ReadinessSwitch } from '../readiness.ts';
import { DEFAULT_RULE_SET, SHOP_RULE_SET, lookupOf } from './rule-sets.ts';

/** 2025-01-01T00:00:00.123Z */
export const FIXED_NOW = Date.UTC(2025, 0, 1, 0, 0, 0, 123);

/** Each hrtime reading is `stepNs` after the previous one, so a measured call lasts one step. */
export function steppingClock(stepNs = 250_000n): Clock {
  let t = 0n;
  return {
    now: () => FIXED_NOW,
    hrtime: () => (t += stepNs),
  };
}

export function numberedIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export interface RecordingLogger extends ApiLogger {
  readonly lines: { level: 'warn' | 'error'; obj: object; msg: string }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

export interface TestApiDeps extends EvaluationApiDeps {
  readonly lookup: ReturnType<typeof lookupOf>;
  readonly readiness: ReadinessSwitch;
  readonly registry: Registry;
  readonly logger: RecordingLogger;
}

export function testApiDeps(
  overrides: Partial<EvaluationApiDeps> = {},
  ruleSets: readonly RuleSet[] = [DEFAULT_RULE_SET, SHOP_RULE_SET],
): TestApiDeps {
  const registry = new Registry();
  const lookup = lookupOf('default', ruleSets);
  return {
    lookup,
    readiness: createReadinessSwitch(undefined),
    clock: steppingClock(),
    randomUUID: numberedIds(),
    authenticate: allowAnonymous,
    authorize: allowAllNamespaces,
    metrics: createSidecarMetrics({ registry, now: () => FIXED_NOW, ruleSets: () => [] }),
    logger: recordingLogger(),
    registry,
    ...overrides,
  } as TestApiDeps;
}
