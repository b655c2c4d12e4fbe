// The shared workload of the peer benchmarks (reference/peer-benchmarks/workload.mjs): which flags
// exist, which entities are evaluated, and which rule each entity should hit. Every engine's native
// encoding is generated from these facts, so all engines evaluate the same state.

/** The rule-2 country list (10 of the 20 countries entities are drawn from). */
export const GEO_LIST: readonly string[] = ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'SE', 'NO', 'DK', 'FI'];
const OTHER_COUNTRIES = ['BR', 'MX', 'IN', 'JP', 'KR', 'AU', 'NZ', 'ZA', 'AR', 'CL'];
const ALL_COUNTRIES = [...GEO_LIST, ...OTHER_COUNTRIES];
const PLANS = ['free', 'pro', 'team'];

export const N_ENTITIES = 10_000;
/** The seed the reference used; it fixes the rule mix at 25.1 % / 37.7 % / 37.2 %. */
export const ENTITY_SEED = 42;
/** Flags in the state the evaluation benchmarks run against. */
export const EVAL_FLAGS = 100;
export const VARIANT_FLAG = 'v-0';
export const BOOLEAN_FLAG = 'b-1';
/** "10 flags for one entity": v-0, b-1, v-2, …, b-9. */
export const BATCH_FLAGS: readonly string[] = [
  'v-0',
  'b-1',
  'v-2',
  'b-3',
  'v-4',
  'b-5',
  'v-6',
  'b-7',
  'v-8',
  'b-9',
];

export interface Entity {
  readonly id: string;
  readonly plan: string;
  readonly age: number;
  readonly country: string;
}

export type ExpectedRule = 'pro' | 'geo' | 'split';

/** mulberry32: the reference's PRNG, reproduced so the same seed yields the same entities. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Entities `user-<i>`: plan uniform over 3, age uniform 18–69, country uniform over 20. */
export function makeEntities(n: number = N_ENTITIES, seed: number = ENTITY_SEED): Entity[] {
  const random = mulberry32(seed);
  const out: Entity[] = [];
  for (let i = 0; i < n; i++) {
    // The draw order (plan, age, country) is part of the reference workload.
    const plan = pick(PLANS, random);
    const age = 18 + Math.floor(random() * 52);
    const country = pick(ALL_COUNTRIES, random);
    out.push({ id: `user-${i}`, plan, age, country });
  }
  return out;
}

/** The rule the workload's semantics say an entity hits on the variant flag (first match wins). */
export function expectedRule(e: Entity): ExpectedRule {
  if (e.plan === 'pro' && e.age > 30) return 'pro';
  if (GEO_LIST.includes(e.country)) return 'geo';
  return 'split';
}

export const isVariantIndex = (i: number): boolean => i % 2 === 0;
export const flagKey = (i: number): string => (isVariantIndex(i) ? `v-${i}` : `b-${i}`);
