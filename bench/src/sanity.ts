// Correctness sanity over the 10,000 entities: does an engine put every entity on the rule the
// workload's semantics say (first match wins), and are its 50/50 split and 30 % rollout within
// binomial 2σ of the configured shares?
import { expectedRule, type Entity } from './entities.ts';
import type { EvalEngine } from './eval-engine.ts';
import { binomialTwoSigma, round } from './stats.ts';

/** Per entity, in entity order: what the engine answered. */
export interface Observations {
  /** Variant of v-0 for the entity's own context. */
  readonly variant: readonly string[];
  /** Variant of v-0 for a context that fails rules 1 and 2 (only the split decides). */
  readonly forced: readonly string[];
  /** Value of b-1 for the entity's own context. */
  readonly boolean: readonly boolean[];
}

export interface Share {
  readonly share: number;
  readonly expected: number;
  readonly twoSigma: number;
  readonly trials: number;
  readonly withinTwoSigma: boolean;
}

export interface SanityTally {
  readonly entities: number;
  readonly expectedRuleCounts: Readonly<Record<'pro' | 'geo' | 'split', number>>;
  /** Variants seen among all entities (`other` = anything but pro/geo/control/treatment). */
  readonly natural: Readonly<Record<'pro' | 'geo' | 'control' | 'treatment' | 'other', number>>;
  /** Entities whose variant is not the one their expected rule gives (for rule 3: neither split variant). */
  readonly mismatches: number;
  readonly naturalSplitControl: Share;
  readonly forcedControl: Share;
  readonly booleanTrue: Share;
  readonly ok: boolean;
}

function share(hits: number, trials: number, expected: number): Share {
  const value = trials === 0 ? Number.NaN : hits / trials;
  const twoSigma = binomialTwoSigma(expected, trials);
  return {
    share: round(value, 4),
    expected,
    twoSigma: round(twoSigma, 4),
    trials,
    withinTwoSigma: Math.abs(value - expected) <= twoSigma,
  };
}

const NATURAL_KEYS = ['pro', 'geo', 'control', 'treatment'] as const;
type NaturalKey = (typeof NATURAL_KEYS)[number];
const isNaturalKey = (v: string): v is NaturalKey => (NATURAL_KEYS as readonly string[]).includes(v);

export function tallySanity(entities: readonly Entity[], seen: Observations): SanityTally {
  const expectedRuleCounts = { pro: 0, geo: 0, split: 0 };
  const natural = { pro: 0, geo: 0, control: 0, treatment: 0, other: 0 };
  let mismatches = 0;
  let forcedControl = 0;
  let booleanTrue = 0;
  entities.forEach((entity, i) => {
    const rule = expectedRule(entity);
    expectedRuleCounts[rule]++;
    const v = seen.variant[i] ?? '';
    natural[isNaturalKey(v) ? v : 'other']++;
    const onRule = rule === 'split' ? v === 'control' || v === 'treatment' : v === rule;
    if (!onRule) mismatches++;
    if (seen.forced[i] === 'control') forcedControl++;
    if (seen.boolean[i] === true) booleanTrue++;
  });
  const n = entities.length;
  const naturalSplitControl = share(natural.control, natural.control + natural.treatment, 0.5);
  const forced = share(forcedControl, n, 0.5);
  const booleanShare = share(booleanTrue, n, 0.3);
  const ok =
    mismatches === 0 &&
    naturalSplitControl.withinTwoSigma &&
    forced.withinTwoSigma &&
    booleanShare.withinTwoSigma;
  return {
    entities: n,
    expectedRuleCounts,
    natural,
    mismatches,
    naturalSplitControl,
    forcedControl: forced,
    booleanTrue: booleanShare,
    ok,
  };
}

/** Asks an engine for every observation the tally needs. */
export function observe<C>(engine: EvalEngine<C>, entities: readonly Entity[]): Observations {
  const variant: string[] = [];
  const forced: string[] = [];
  const boolean: boolean[] = [];
  entities.forEach((entity, i) => {
    const c = engine.contexts[i];
    if (c === undefined) throw new Error(`engine has no context for entity ${i}`);
    variant.push(engine.variantOf(c));
    forced.push(engine.variantOf(engine.forcedSplitContext(entity)));
    boolean.push(engine.booleanOf(c));
  });
  return { variant, forced, boolean };
}

/** Share of entities on which two engines gave the same answers. */
export function agreement(
  a: Observations,
  b: Observations,
): { variant: number; forced: number; boolean: number } {
  const same = <T>(x: readonly T[], y: readonly T[]): number => {
    let hits = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === y[i]) hits++;
    return x.length === 0 ? Number.NaN : round(hits / x.length, 4);
  };
  return {
    variant: same(a.variant, b.variant),
    forced: same(a.forced, b.forced),
    boolean: same(a.boolean, b.boolean),
  };
}
