// Builders for Flag and Segment resources in compiler tests. They fill the defaults the schema
// would, without running the schema, so tests can also hand the compiler values the schema rejects.
import type { Flag, FlagSpec } from '../../api/flag.ts';
import type { Segment, SegmentSpec } from '../../api/segment.ts';

export function flagResource(name: string, spec: Partial<FlagSpec> = {}, namespace = 'shop'): Flag {
  return {
    apiVersion: 'ensign.dev/v1alpha1',
    kind: 'Flag',
    metadata: { name, namespace },
    spec: {
      type: 'Variant',
      enabled: true,
      variants: [],
      rules: [],
      rollouts: [],
      ...spec,
    },
  };
}

export function segmentResource(name: string, spec: Partial<SegmentSpec> = {}, namespace = 'shop'): Segment {
  return {
    apiVersion: 'ensign.dev/v1alpha1',
    kind: 'Segment',
    metadata: { name, namespace },
    spec: { matchType: 'All', constraints: [], ...spec },
  };
}
