// The shared workload as Ensign custom resources: the Flags and Segments an app team would apply.
// Segments are namespaced objects that rules name, so the N flags share three Segments (Flipt's
// snapshot inlines a copy per rule; Unleash shares global segments the same way Ensign does).
import type { Flag } from '@ensign/operator/api/flag.ts';
import type { Segment } from '@ensign/operator/api/segment.ts';
import { GEO_LIST, flagKey, isVariantIndex } from './entities.ts';

export const ENSIGN_NAMESPACE = 'default';
export const SEGMENT_PRO_ADULTS = 'pro-adults';
export const SEGMENT_GEO = 'geo';
/** Matches everyone: match type All with no constraints (rules must name at least one segment). */
export const SEGMENT_EVERYONE = 'all-users';

export interface EnsignWorkload {
  readonly flags: Flag[];
  readonly segments: Segment[];
}

const API_VERSION = 'ensign.dev/v1alpha1';

function segmentResource(name: string, spec: Segment['spec']): Segment {
  return { apiVersion: API_VERSION, kind: 'Segment', metadata: { name, namespace: ENSIGN_NAMESPACE }, spec };
}

export function ensignSegments(): Segment[] {
  return [
    segmentResource(SEGMENT_PRO_ADULTS, {
      matchType: 'All',
      constraints: [
        { property: 'plan', type: 'String', operator: 'eq', value: 'pro' },
        { property: 'age', type: 'Number', operator: 'gt', value: '30' },
      ],
    }),
    segmentResource(SEGMENT_GEO, {
      matchType: 'Any',
      constraints: [{ property: 'country', type: 'String', operator: 'isoneof', values: [...GEO_LIST] }],
    }),
    segmentResource(SEGMENT_EVERYONE, { matchType: 'All', constraints: [] }),
  ];
}

function variantSpec(): Flag['spec'] {
  const rule = (segment: string, distributions: { variant: string; rollout: number }[]) => ({
    segments: [segment],
    segmentOperator: 'Or' as const,
    distributions,
  });
  return {
    type: 'Variant',
    enabled: true,
    variants: [{ key: 'pro' }, { key: 'geo' }, { key: 'control' }, { key: 'treatment' }],
    rules: [
      rule(SEGMENT_PRO_ADULTS, [{ variant: 'pro', rollout: 100 }]),
      rule(SEGMENT_GEO, [{ variant: 'geo', rollout: 100 }]),
      rule(SEGMENT_EVERYONE, [
        { variant: 'control', rollout: 50 },
        { variant: 'treatment', rollout: 50 },
      ]),
    ],
    rollouts: [],
  };
}

function booleanSpec(): Flag['spec'] {
  return {
    type: 'Boolean',
    // A Boolean flag's `enabled` is its value when no rollout matches (Flipt semantics).
    enabled: false,
    variants: [],
    rules: [],
    rollouts: [{ threshold: { percentage: 30, value: true } }],
  };
}

export function ensignFlag(i: number): Flag {
  return {
    apiVersion: API_VERSION,
    kind: 'Flag',
    metadata: { name: flagKey(i), namespace: ENSIGN_NAMESPACE },
    spec: isVariantIndex(i) ? variantSpec() : booleanSpec(),
  };
}

/** N flags (even i: variant `v-<i>` with 3 rules; odd i: boolean `b-<i>` at 30 %) and their segments. */
export function ensignWorkload(n: number): EnsignWorkload {
  const flags: Flag[] = [];
  for (let i = 0; i < n; i++) flags.push(ensignFlag(i));
  return { flags, segments: ensignSegments() };
}
