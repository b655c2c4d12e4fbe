import { describe, expect, it } from 'vitest';
import { parseManifests } from './parse-manifests.ts';

const flag = (name: string, extra = ''): string => `apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata:
  name: ${name}
${extra}spec:
  type: Boolean
  enabled: true
`;

describe('parseManifests', () => {
  it('reads every document of a multi-document file and numbers them from 1', () => {
    const text = `${flag('a', '  namespace: shop\n')}---\n${flag('b')}---\napiVersion: ensign.dev/v1alpha1
kind: Segment
metadata:
  name: beta
  namespace: shop
spec:
  constraints:
    - { property: plan, type: String, operator: eq, value: beta }
`;
    const { objects, errors, ignored } = parseManifests(text, 'flags/shop.yaml');
    expect(errors).toEqual([]);
    expect(ignored).toEqual([]);
    expect(objects.map((o) => [o.file, o.document, o.resource.kind, o.resource.metadata.name])).toEqual([
      ['flags/shop.yaml', 1, 'Flag', 'a'],
      ['flags/shop.yaml', 2, 'Flag', 'b'],
      ['flags/shop.yaml', 3, 'Segment', 'beta'],
    ]);
  });

  it('puts objects without a namespace in "default" and keeps FlagNamespace cluster-scoped', () => {
    const text = `${flag('a')}---
apiVersion: ensign.dev/v1alpha1
kind: FlagNamespace
metadata:
  name: shop
  namespace: ignored
`;
    const { objects, errors } = parseManifests(text, 'x.yaml');
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.resource.metadata.namespace)).toEqual(['default', undefined]);
  });

  it('reports schema errors with file, document, field path and line', () => {
    const text = `${flag('ok')}---
apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata:
  name: bad
spec:
  type: Sometimes
  enabled: true
`;
    const { objects, errors } = parseManifests(text, 'f.yaml');
    expect(objects.map((o) => o.resource.metadata.name)).toEqual(['ok']);
    const typeError = errors.find((e) => e.path === 'spec.type');
    expect(typeError).toMatchObject({ file: 'f.yaml', document: 2, line: 14 });
    expect(typeError?.message).toContain('Sometimes');
    expect(errors.every((e) => e.file === 'f.yaml' && e.document === 2)).toBe(true);
  });

  it('reports YAML syntax errors with the line number', () => {
    const text = `${flag('a')}---\napiVersion: ensign.dev/v1alpha1\nkind: Flag\nmetadata: { name: [b\n`;
    const { errors } = parseManifests(text, 'broken.yaml');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file: 'broken.yaml', document: 2, path: '' });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(10);
    expect(errors[0]?.message).not.toContain('\n');
  });

  it('reports duplicate YAML keys as syntax errors', () => {
    const { errors } = parseManifests(
      'apiVersion: ensign.dev/v1alpha1\nkind: Flag\nkind: Flag\n',
      'dup.yaml',
    );
    expect(errors).toMatchObject([{ document: 1, line: 3 }]);
  });

  it('ignores objects of other API groups and non-Kubernetes documents', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
just: some yaml
---
- a list
`;
    const { objects, errors, ignored } = parseManifests(text, 'misc.yaml');
    expect(objects).toEqual([]);
    expect(errors).toEqual([]);
    expect(ignored).toEqual([
      { file: 'misc.yaml', document: 1, apiVersion: 'v1', kind: 'ConfigMap', name: 'settings' },
      { file: 'misc.yaml', document: 2, apiVersion: '', kind: '', name: '' },
      { file: 'misc.yaml', document: 3, apiVersion: '', kind: '', name: '' },
    ]);
  });

  it('rejects unknown kinds and versions of the ensign.dev group', () => {
    const text = `apiVersion: ensign.dev/v1alpha1
kind: Toggle
metadata: { name: t }
---
apiVersion: ensign.dev/v2
kind: Flag
metadata: { name: f }
`;
    const { errors } = parseManifests(text, 'x.yaml');
    expect(errors.map((e) => [e.document, e.path, e.line])).toEqual([
      [1, 'kind', 2],
      [2, 'apiVersion', 5],
    ]);
  });

  it('rejects an Ensign kind written without apiVersion', () => {
    const { errors } = parseManifests('kind: Segment\nmetadata: { name: s }\n', 'x.yaml');
    expect(errors).toEqual([
      { file: 'x.yaml', document: 1, path: 'apiVersion', line: 1, message: 'apiVersion is required' },
    ]);
  });

  it('skips empty documents but still counts them', () => {
    const { objects } = parseManifests(`---\n# only a comment\n---\n${flag('a')}---\n`, 'x.yaml');
    expect(objects.map((o) => o.document)).toEqual([2]);
  });

  it('reads the items of a kubectl List', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: ensign.dev/v1alpha1
    kind: Segment
    metadata: { name: s, namespace: shop }
    spec: {}
  - apiVersion: ensign.dev/v1alpha1
    kind: Flag
    metadata: { name: f, namespace: shop }
    spec: { type: Nope }
`;
    const { objects, errors } = parseManifests(text, 'list.yaml');
    expect(objects.map((o) => o.resource.metadata.name)).toEqual(['s']);
    expect(errors[0]).toMatchObject({ document: 1, path: 'items[1].spec.type', line: 11 });
  });

  it('refuses alias bombs instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const { errors } = parseManifests(`${lines.join('\n')}\n`, 'bomb.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'bomb.yaml', document: 1, path: '' });
  });
});
