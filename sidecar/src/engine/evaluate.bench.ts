// Engine micro-benchmark (not a test; the comparative benchmark lives in bench/). Workload of
// reference/peer-benchmarks: variant flag v-0 with three rules (ALL plan==pro & age>30; ANY country
// isoneof 10 codes; catch-all 50/50) and boolean flag b-1 (30 % threshold), over 10,000 entities.
// Run: node --expose-gc sidecar/src/engine/evaluate.bench.ts

import { ConstraintType, FlagType, RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from './build-index.ts';
import { evaluateBoolean, evaluateVariant } from './evaluate.ts';
import type { EvaluationInput } from './outcome.ts';

const GEO = ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'SE', 'NO', 'DK', 'FI'];
const COUNTRIES = [...GEO, 'BR', 'MX', 'IN', 'JP', 'KR', 'AU', 'NZ', 'ZA', 'AR', 'CL'];
const PLANS = ['free', 'pro', 'team'];

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.floor(r * items.length)] as T;
}

const ruleSet = RuleSet.fromPartial({
  namespace: 'default',
  revision: 'bench',
  segments: [
    { key: 'all-users' },
    {
      key: 'geo',
      matchType: 1,
      constraints: [
        {
          type: ConstraintType.CONSTRAINT_TYPE_STRING,
          property: 'country',
          operator: 'isoneof',
          operand: { $case: 'stringList', value: { values: GEO } },
        },
      ],
    },
    {
      key: 'pro-adults',
      constraints: [
        {
          type: ConstraintType.CONSTRAINT_TYPE_STRING,
          property: 'plan',
          operator: 'eq',
          operand: { $case: 'stringValue', value: 'pro' },
        },
        {
          type: ConstraintType.CONSTRAINT_TYPE_NUMBER,
          property: 'age',
          operator: 'gt',
          operand: { $case: 'numberValue', value: 30 },
        },
      ],
    },
  ],
  flags: Array.from({ length: 100 }, (_, i) =>
    i % 2 === 0
      ? {
          key: `v-${i}`,
          type: FlagType.FLAG_TYPE_VARIANT,
          enabled: true,
          variants: ['pro', 'geo', 'control', 'treatment'].map((key) => ({ key })),
          rules: [
            { segmentKeys: ['pro-adults'], distributions: [{ variantKey: 'pro', rollout: 100 }] },
            { segmentKeys: ['geo'], distributions: [{ variantKey: 'geo', rollout: 100 }] },
            {
              segmentKeys: ['all-users'],
              distributions: [
                { variantKey: 'control', rollout: 50 },
                { variantKey: 'treatment', rollout: 50 },
              ],
            },
          ],
        }
      : {
          key: `b-${i}`,
          type: FlagType.FLAG_TYPE_BOOLEAN,
          enabled: true,
          rollouts: [{ kind: { $case: 'threshold', value: { percentage: 30, value: true } } }],
        },
  ),
});

const random = seededRandom(42);
const entities = Array.from({ length: 10_000 }, (_, i) => ({
  entityId: `user-${i}`,
  context: {
    plan: pick(PLANS, random()),
    age: String(18 + Math.floor(random() * 52)),
    country: pick(COUNTRIES, random()),
  },
}));
const variantInputs: EvaluationInput[] = entities.map((e) => ({ flagKey: 'v-0', ...e }));
const booleanInputs: EvaluationInput[] = entities.map((e) => ({ flagKey: 'b-1', ...e }));

const index = buildIndex(ruleSet);

function measure(name: string, run: (input: EvaluationInput) => unknown, inputs: EvaluationInput[]): void {
  let sink = 0;
  const loop = (n: number): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (run(inputs[i % inputs.length] as EvaluationInput)) sink++;
    return Number(process.hrtime.bigint() - start) / n;
  };
  const warmUntil = Date.now() + 1500;
  while (Date.now() < warmUntil) loop(10_000);
  (globalThis as { gc?: () => void }).gc?.();
  const samples = Array.from({ length: 15 }, () => loop(200_000)).sort((a, b) => a - b);
  const heapBefore = process.memoryUsage().heapUsed;
  loop(1_000_000);
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    `${name}: median ${(samples[7] ?? 0).toFixed(1)} ns/op (min ${(samples[0] ?? 0).toFixed(1)}), ` +
      `heap growth over 1M calls ${(heapGrowth / 1e6).toFixed(1)} MB, sink ${sink}`,
  );
}

measure('variant v-0 (3 rules)', (input) => evaluateVariant(index, input), variantInputs);
measure('boolean b-1 (30 %)', (input) => evaluateBoolean(index, input), booleanInputs);
