import { describe, expect, it } from 'vitest';
import {
  findUninjectedPods,
  isUninjected,
  summarize,
  uninjectedPodEvent,
  type PodMetadata,
} from './uninjected-pods.ts';

const EXCLUDED = new Set(['kube-system', 'ensign-system']);
const LABELLED = { 'ensign.dev/inject': 'enabled' };

function pod(
  namespace: string,
  annotations?: Record<string, string>,
  extra: { deletionTimestamp?: string } = {},
): PodMetadata {
  return {
    metadata: {
      name: 'p',
      namespace,
      uid: '0123456789abcdef',
      ...(annotations === undefined ? {} : { annotations }),
      ...extra,
    },
  };
}

describe('isUninjected', () => {
  const cases: [string, PodMetadata, Record<string, string> | undefined, boolean][] = [
    ['annotated true, no sidecar mark', pod('shop', { 'ensign.dev/inject': 'true' }), undefined, true],
    [
      'annotated true and injected',
      pod('shop', { 'ensign.dev/inject': 'true', 'ensign.dev/injected': 'true' }),
      undefined,
      false,
    ],
    ['no annotation, namespace labelled', pod('shop'), LABELLED, true],
    [
      'no annotation, namespace labelled, injected',
      pod('shop', { 'ensign.dev/injected': 'true' }),
      LABELLED,
      false,
    ],
    ['opted out in a labelled namespace', pod('shop', { 'ensign.dev/inject': 'false' }), LABELLED, false],
    ['no annotation, namespace not labelled', pod('shop'), { team: 'a' }, false],
    ['namespace label with another value', pod('shop'), { 'ensign.dev/inject': 'disabled' }, false],
    ['namespace unknown', pod('shop'), undefined, false],
    [
      'annotation with a meaningless value, namespace not labelled',
      pod('shop', { 'ensign.dev/inject': 'yes' }),
      undefined,
      false,
    ],
    ['annotated true in kube-system', pod('kube-system', { 'ensign.dev/inject': 'true' }), LABELLED, false],
    [
      'annotated true in the operator namespace',
      pod('ensign-system', { 'ensign.dev/inject': 'true' }),
      undefined,
      false,
    ],
    [
      'mirror pod',
      pod('shop', { 'ensign.dev/inject': 'true', 'kubernetes.io/config.mirror': 'abc' }),
      undefined,
      false,
    ],
    [
      'being deleted',
      pod('shop', { 'ensign.dev/inject': 'true' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      undefined,
      false,
    ],
  ];
  it.each(cases)('%s → %s', (_name, input, labels, expected) => {
    expect(isUninjected(input, labels, EXCLUDED)).toBe(expected);
  });
});

describe('findUninjectedPods', () => {
  it('groups un-injected pods by namespace, sorted by name', () => {
    const named = (name: string, namespace: string, annotations?: Record<string, string>): PodMetadata => ({
      metadata: {
        name,
        namespace,
        uid: `uid-${name}`,
        ...(annotations === undefined ? {} : { annotations }),
      },
    });
    const found = findUninjectedPods(
      [
        named('b', 'shop', { 'ensign.dev/inject': 'true' }),
        named('a', 'shop', { 'ensign.dev/inject': 'true' }),
        named('c', 'shop'),
        named('d', 'web'),
        named('e', 'other'),
      ],
      (ns) => (ns === 'web' ? LABELLED : undefined),
      EXCLUDED,
    );
    expect([...found.entries()]).toEqual([
      [
        'shop',
        [
          { namespace: 'shop', name: 'a', uid: 'uid-a' },
          { namespace: 'shop', name: 'b', uid: 'uid-b' },
        ],
      ],
      ['web', [{ namespace: 'web', name: 'd', uid: 'uid-d' }]],
    ]);
  });
});

describe('summarize', () => {
  it('counts every pod and names the first five', () => {
    const pods = Array.from({ length: 7 }, (_, i) => ({ namespace: 'shop', name: `p${i}`, uid: String(i) }));
    expect(summarize(pods)).toEqual({ count: 7, names: ['p0', 'p1', 'p2', 'p3', 'p4'] });
    expect(summarize(undefined)).toEqual({ count: 0, names: [] });
  });
});

describe('uninjectedPodEvent', () => {
  it('is a Warning about the Pod, named after its uid so a second recording is refused', () => {
    const event = uninjectedPodEvent(
      { namespace: 'shop', name: 'api-7d9f', uid: '0123456789abcdef' },
      'op-1',
      0,
    );
    expect(event).toMatchObject({
      metadata: { name: 'api-7d9f.ensign-uninjected.01234567', namespace: 'shop' },
      type: 'Warning',
      reason: 'SidecarNotInjected',
      action: 'Inject',
      reportingController: 'ensign.dev/operator',
      regarding: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'shop',
        name: 'api-7d9f',
        uid: '0123456789abcdef',
      },
    });
    expect(event.note).toMatch(/recreate the pod/);
    const long = uninjectedPodEvent({ namespace: 'shop', name: 'x'.repeat(253), uid: 'u' }, 'op-1', 0);
    expect(long.metadata.name.length).toBeLessThanOrEqual(253);
  });
});
