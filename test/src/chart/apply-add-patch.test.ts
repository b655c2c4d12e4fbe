import { describe, expect, it } from 'vitest';
import { applyAddPatch } from './apply-add-patch.ts';

describe('applyAddPatch', () => {
  it('appends with -, inserts at an index, sets keys with escaped names, and leaves the input alone', () => {
    const pod = {
      metadata: { annotations: { a: '1' } },
      spec: { initContainers: [{ name: 'x' }], volumes: [] },
    };
    const patched = applyAddPatch(pod, [
      { op: 'add', path: '/spec/initContainers/0', value: { name: 'sidecar' } },
      { op: 'add', path: '/spec/volumes/-', value: { name: 'v' } },
      { op: 'add', path: '/metadata/annotations/ensign.dev~1injected', value: 'true' },
      { op: 'add', path: '/spec/containers', value: [{ name: 'app' }] },
    ]);
    expect(patched).toEqual({
      metadata: { annotations: { a: '1', 'ensign.dev/injected': 'true' } },
      spec: {
        initContainers: [{ name: 'sidecar' }, { name: 'x' }],
        volumes: [{ name: 'v' }],
        containers: [{ name: 'app' }],
      },
    });
    expect(pod.spec.initContainers).toEqual([{ name: 'x' }]);
  });

  it('fails on a path whose parent does not exist', () => {
    expect(() => applyAddPatch({}, [{ op: 'add', path: '/spec/volumes/-', value: 1 }])).toThrow(/no parent/);
  });
});
