import { describe, expect, it } from 'vitest';
import type { FlagNamespace } from '../api/flag-namespace.ts';
import { flagResource, segmentResource } from '../compiler/testdata/builders.ts';
import { groupByNamespace } from './group-by-namespace.ts';
import type { LocatedResource } from './parse-manifests.ts';

function at(file: string, document: number, resource: LocatedResource['resource']): LocatedResource {
  return { file, document, resource };
}

const shopNamespace: FlagNamespace = {
  apiVersion: 'ensign.dev/v1alpha1',
  kind: 'FlagNamespace',
  metadata: { name: 'shop' },
  spec: {},
};

describe('groupByNamespace', () => {
  it('groups flags and segments by namespace and files a FlagNamespace under the namespace it names', () => {
    const { namespaces, errors } = groupByNamespace([
      at('shop.yaml', 1, flagResource('a', {}, 'shop')),
      at('shop.yaml', 2, segmentResource('s', {}, 'shop')),
      at('default.yaml', 1, flagResource('b', {}, 'default')),
      at('namespaces.yaml', 1, shopNamespace),
    ]);
    expect(errors).toEqual([]);
    expect([...namespaces.keys()]).toEqual(['default', 'shop']);
    expect(namespaces.get('shop')?.flags.map((f) => f.metadata.name)).toEqual(['a']);
    expect(namespaces.get('shop')?.segments.map((s) => s.metadata.name)).toEqual(['s']);
    expect(namespaces.get('shop')?.flagNamespace).toBe(shopNamespace);
    expect(namespaces.get('default')?.flagNamespace).toBeUndefined();
  });

  it('keeps the object from the file that sorts first and names both files in the error', () => {
    const fromA = flagResource('dup', { description: 'a' });
    const fromB = flagResource('dup', { description: 'b' });
    for (const input of [
      [at('b.yaml', 1, fromB), at('a.yaml', 3, fromA)],
      [at('a.yaml', 3, fromA), at('b.yaml', 1, fromB)],
    ]) {
      const { namespaces, errors } = groupByNamespace(input);
      expect(namespaces.get('shop')?.flags.map((f) => f.spec.description)).toEqual(['a']);
      expect(errors).toEqual([
        {
          file: 'b.yaml',
          document: 1,
          path: 'metadata.name',
          message:
            'Flag "dup" in namespace "shop" is also defined in a.yaml (document 3), which is used; ' +
            'this definition in b.yaml (document 1) is ignored',
        },
      ]);
    }
  });

  it('orders duplicates inside one file by document', () => {
    const { errors } = groupByNamespace([
      at('a.yaml', 2, segmentResource('s')),
      at('a.yaml', 1, segmentResource('s')),
    ]);
    expect(errors.map((e) => e.document)).toEqual([2]);
  });

  it('treats equal names of different kinds or namespaces as different objects', () => {
    const { namespaces, errors } = groupByNamespace([
      at('a.yaml', 1, flagResource('x', {}, 'shop')),
      at('a.yaml', 2, segmentResource('x', {}, 'shop')),
      at('a.yaml', 3, flagResource('x', {}, 'other')),
    ]);
    expect(errors).toEqual([]);
    expect([...namespaces.keys()]).toEqual(['other', 'shop']);
  });
});
