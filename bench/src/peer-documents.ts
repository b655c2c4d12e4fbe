// The peer engines' native state documents and evaluation contexts for the shared workload, in the
// shapes the reference measured (reference/peer-benchmarks/README.md, "Workload").
import { GEO_LIST, flagKey, isVariantIndex, type Entity } from './entities.ts';

export type PeerFormat = 'flipt' | 'flagd' | 'unleash';

// ------------------------------------------------------------------ Flipt
// The snapshot document as a Flipt v1 server sends it from
// GET /internal/v1/evaluation/snapshot/namespace/{ns} (protojson, camelCase), segments inline.

const TIMESTAMP = '2025-01-01T00:00:00.000000Z';

function fliptSegment(key: string, matchType: string, constraints: object[]): object {
  return {
    key,
    name: key,
    description: '',
    matchType,
    createdAt: TIMESTAMP,
    updatedAt: TIMESTAMP,
    constraints,
  };
}

function fliptRules(i: number): object[] {
  const dist = (rule: number, variantKey: string, rollout: number): object => ({
    id: `d-${i}-${rule}-${variantKey}`,
    ruleId: `r-${i}-${rule}`,
    variantId: `var-${i}-${variantKey}`,
    variantKey,
    variantAttachment: '',
    rollout,
  });
  const rule = (rank: number, segment: object, distributions: object[]): object => ({
    id: `r-${i}-${rank}`,
    segments: [segment],
    rank,
    segmentOperator: 'OR_SEGMENT_OPERATOR',
    distributions,
  });
  const proAdults = fliptSegment('pro-adults', 'ALL_SEGMENT_MATCH_TYPE', [
    {
      id: `c-${i}-1`,
      type: 'STRING_CONSTRAINT_COMPARISON_TYPE',
      property: 'plan',
      operator: 'eq',
      value: 'pro',
    },
    {
      id: `c-${i}-2`,
      type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE',
      property: 'age',
      operator: 'gt',
      value: '30',
    },
  ]);
  const geo = fliptSegment('geo', 'ANY_SEGMENT_MATCH_TYPE', [
    {
      id: `c-${i}-3`,
      type: 'STRING_CONSTRAINT_COMPARISON_TYPE',
      property: 'country',
      operator: 'isoneof',
      value: JSON.stringify(GEO_LIST),
    },
  ]);
  // Flipt's "everyone": match type ALL with no constraints.
  const everyone = fliptSegment('all-users', 'ALL_SEGMENT_MATCH_TYPE', []);
  return [
    rule(1, proAdults, [dist(1, 'pro', 100)]),
    rule(2, geo, [dist(2, 'geo', 100)]),
    rule(3, everyone, [dist(3, 'control', 50), dist(3, 'treatment', 50)]),
  ];
}

export function fliptFlag(i: number): object {
  const key = flagKey(i);
  const stamps = { createdAt: TIMESTAMP, updatedAt: TIMESTAMP };
  if (isVariantIndex(i)) {
    const head = { key, name: key, description: '', enabled: true, type: 'VARIANT_FLAG_TYPE' };
    return { ...head, ...stamps, rules: fliptRules(i), rollouts: [] };
  }
  // A boolean flag's `enabled` is the value when no rollout matches.
  const head = { key, name: key, description: '', enabled: false, type: 'BOOLEAN_FLAG_TYPE' };
  const threshold = { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 1, threshold: { percentage: 30, value: true } };
  return { ...head, ...stamps, rules: [], rollouts: [threshold] };
}

export function fliptDocument(n: number, namespace = 'default'): object {
  const flags: object[] = [];
  for (let i = 0; i < n; i++) flags.push(fliptFlag(i));
  const ns = {
    key: namespace,
    name: namespace,
    description: '',
    protected: false,
    createdAt: null,
    updatedAt: null,
  };
  return { namespace: ns, flags };
}

export interface StringContext {
  readonly entityId: string;
  readonly context: Readonly<Record<string, string>>;
}

/** Flipt (and Ensign, which follows Flipt) take context values as strings only. */
export function stringContexts(entities: readonly Entity[]): StringContext[] {
  return entities.map((e) => ({
    entityId: e.id,
    context: { plan: e.plan, age: String(e.age), country: e.country },
  }));
}

// ------------------------------------------------------------------ flagd
// A flagd flag-definition file: json-logic `if` chain, `fractional` bucketing on the targeting key.

export function flagdFlag(i: number): object {
  if (isVariantIndex(i)) {
    const proAdults = { and: [{ '==': [{ var: 'plan' }, 'pro'] }, { '>': [{ var: 'age' }, 30] }] };
    const geo = { in: [{ var: 'country' }, GEO_LIST] };
    const split = {
      fractional: [
        ['control', 50],
        ['treatment', 50],
      ],
    };
    return {
      state: 'ENABLED',
      variants: { pro: 'pro', geo: 'geo', control: 'control', treatment: 'treatment', off: 'off' },
      defaultVariant: 'off',
      targeting: { if: [proAdults, 'pro', geo, 'geo', split] },
    };
  }
  return {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: {
      fractional: [
        ['on', 30],
        ['off', 70],
      ],
    },
  };
}

export function flagdDocument(n: number): object {
  const flags: Record<string, object> = {};
  for (let i = 0; i < n; i++) flags[flagKey(i)] = flagdFlag(i);
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', flags };
}

// Type aliases, not interfaces: the engines' context types have index signatures.
export type FlagdContext = {
  readonly targetingKey: string;
  readonly plan: string;
  readonly age: number;
  readonly country: string;
};

export function flagdContexts(entities: readonly Entity[]): FlagdContext[] {
  return entities.map((e) => ({ targetingKey: e.id, plan: e.plan, age: e.age, country: e.country }));
}

// ---------------------------------------------------------------- Unleash
// The /api/client/features response (v2 with global segments); three flexibleRollout strategies.

const unleashConstraint = (
  contextName: string,
  operator: string,
  values: readonly string[],
  value?: string,
): object => ({
  contextName,
  operator,
  ...(value === undefined ? {} : { value }),
  values,
  inverted: false,
  caseInsensitive: false,
});

export const UNLEASH_SEGMENTS: readonly object[] = [
  {
    id: 1,
    name: 'pro-adults',
    constraints: [unleashConstraint('plan', 'IN', ['pro']), unleashConstraint('age', 'NUM_GT', [], '30')],
  },
  { id: 2, name: 'geo', constraints: [unleashConstraint('country', 'IN', GEO_LIST)] },
];

export function unleashFeature(i: number): object {
  const name = flagKey(i);
  const common = {
    name,
    description: '',
    project: 'default',
    stale: false,
    impressionData: false,
    enabled: true,
    variants: [],
    dependencies: [],
  };
  const parameters = (rollout: number): object => ({
    rollout: String(rollout),
    stickiness: 'default',
    groupId: name,
  });
  const strategy = (segments: number[], rollout: number, variants: object[]): object => ({
    name: 'flexibleRollout',
    constraints: [],
    segments,
    parameters: parameters(rollout),
    variants,
  });
  if (isVariantIndex(i)) {
    const v = (variant: string, weight: number): object => ({
      name: variant,
      weight,
      weightType: 'variable',
      stickiness: 'default',
    });
    return {
      ...common,
      type: 'experiment',
      strategies: [
        strategy([1], 100, [v('pro', 1000)]),
        strategy([2], 100, [v('geo', 1000)]),
        strategy([], 100, [v('control', 500), v('treatment', 500)]),
      ],
    };
  }
  return { ...common, type: 'release', strategies: [strategy([], 30, [])] };
}

export function unleashDocument(n: number): {
  version: number;
  features: object[];
  segments: readonly object[];
} {
  const features: object[] = [];
  for (let i = 0; i < n; i++) features.push(unleashFeature(i));
  return { version: 2, features, segments: UNLEASH_SEGMENTS };
}

export type UnleashContext = {
  readonly userId: string;
  readonly properties: Readonly<Record<string, string>>;
};

export function unleashContexts(entities: readonly Entity[]): UnleashContext[] {
  return entities.map((e) => ({
    userId: e.id,
    properties: { plan: e.plan, age: String(e.age), country: e.country },
  }));
}

/** The JSON text of a peer's state document, as a server would send it. */
export function peerDocumentText(format: PeerFormat, n: number): string {
  if (format === 'flipt') return JSON.stringify(fliptDocument(n));
  if (format === 'flagd') return JSON.stringify(flagdDocument(n));
  return JSON.stringify(unleashDocument(n));
}
