import { describe, expect, it } from 'vitest';
import {
  CEL_SKIPPED_MESSAGE,
  dropDisallowedNulls,
  formatPath,
  parseFlag,
  parseFlagNamespace,
  parseResource,
  parseSegment,
  type ParseResult,
} from './parse.ts';
import { loadFixtures } from './testdata/fixtures.ts';

function issuesOf<T>(result: ParseResult<T>): { path: string; message: string }[] {
  return result.ok ? [] : result.issues;
}

const flagBase = { apiVersion: 'ensign.dev/v1alpha1', kind: 'Flag', metadata: { name: 'f' } };

describe('the fixture corpus', () => {
  it.each(loadFixtures('valid').map((f) => [f.name, f] as const))('accepts valid/%s', (_name, fixture) => {
    const result = parseResource(fixture.object);
    expect(issuesOf(result)).toEqual([]);
  });

  it.each(loadFixtures('invalid').map((f) => [f.name, f] as const))(
    'rejects invalid/%s with the expected message at the expected path',
    (_name, fixture) => {
      expect(fixture.expect, 'an invalid fixture needs a "# expect:" first line').toBeTruthy();
      const issues = issuesOf(parseResource(fixture.object));
      const matching = issues.filter((i) => i.message.includes(fixture.expect ?? ''));
      expect(matching, JSON.stringify(issues)).not.toEqual([]);
      // The API server reports a CEL rule at the rule's node + fieldPath; zod may name the exact item
      // below it, so its path starts with the server's.
      if (fixture.path !== undefined) {
        expect(matching.some((i) => i.path.startsWith(fixture.path ?? ''))).toBe(true);
      }
    },
  );

  it('has one invalid fixture per CEL rule message of every kind', async () => {
    const { CRD_DEFINITIONS } = await import('./crds.ts');
    const { toCrdSchema } = await import('./crd-schema.ts');
    const messages = new Set<string>();
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const rules = (node as { 'x-kubernetes-validations'?: { message: string }[] })[
        'x-kubernetes-validations'
      ];
      for (const rule of rules ?? []) messages.add(rule.message);
      for (const child of Object.values(node)) collect(child);
    };
    for (const definition of CRD_DEFINITIONS) collect(toCrdSchema(definition.schema));
    const expectations = loadFixtures('invalid').map((f) => f.expect ?? '');
    const uncovered = [...messages].filter((m) => !expectations.some((e) => m.includes(e)));
    expect(uncovered).toEqual([]);
  });
});

describe('parseResource', () => {
  it('dispatches on kind to the matching parser', () => {
    const segment = { apiVersion: 'ensign.dev/v1alpha1', kind: 'Segment', metadata: { name: 's' }, spec: {} };
    const result = parseResource(segment);
    expect(result).toEqual(parseSegment(segment));
    expect(result.ok && result.value.kind).toBe('Segment');
  });

  it('rejects an unknown apiVersion before looking at the kind', () => {
    expect(parseResource({ ...flagBase, apiVersion: 'ensign.dev/v1' })).toEqual({
      ok: false,
      issues: [
        {
          path: 'apiVersion',
          message: 'Unsupported value: "ensign.dev/v1": supported values: "ensign.dev/v1alpha1"',
        },
      ],
    });
  });

  it('rejects an unknown kind and lists the known ones', () => {
    const result = parseResource({ ...flagBase, kind: 'Namespace' });
    expect(issuesOf(result)).toEqual([
      {
        path: 'kind',
        message: 'Unsupported value: "Namespace": supported values: "Flag", "Segment", "FlagNamespace"',
      },
    ]);
  });

  it('rejects input that is not an object', () => {
    expect(issuesOf(parseResource(['a']))).toEqual([{ path: '', message: 'must be of type object' }]);
    expect(issuesOf(parseFlag('flag'))).toEqual([{ path: '', message: 'must be of type object' }]);
  });
});

describe('parseFlag', () => {
  it('applies the schema defaults', () => {
    const result = parseFlag({ ...flagBase, spec: { rules: [{ segments: ['s'] }] } });
    expect(result.ok && result.value.spec).toEqual({
      type: 'Variant',
      enabled: false,
      variants: [],
      rules: [{ segments: ['s'], segmentOperator: 'Or', distributions: [] }],
      rollouts: [],
    });
  });

  it('drops fields the schema does not know, as the API server prunes them', () => {
    const result = parseFlag({ ...flagBase, spec: { colour: 'red' }, extra: 1 });
    expect(result.ok && result.value).toEqual({
      ...flagBase,
      spec: { type: 'Variant', enabled: false, variants: [], rules: [], rollouts: [] },
    });
  });

  it('treats null fields as unset but keeps null inside attachments', () => {
    const result = parseFlag({
      ...flagBase,
      spec: { enabled: null, description: null, variants: [{ key: 'a', attachment: { x: null } }] },
    });
    expect(result.ok && result.value.spec.enabled).toBe(false);
    expect(result.ok && result.value.spec.description).toBeUndefined();
    expect(result.ok && result.value.spec.variants).toEqual([{ key: 'a', attachment: { x: null } }]);
  });

  it('reports every offending distribution at its own path', () => {
    const result = parseFlag({
      ...flagBase,
      spec: {
        variants: [{ key: 'a' }],
        rules: [
          {
            segments: ['s'],
            distributions: [
              { variant: 'a', rollout: 10 },
              { variant: 'b', rollout: 10 },
            ],
          },
          { segments: ['s'], distributions: [{ variant: 'c', rollout: 10 }] },
        ],
      },
    });
    expect(issuesOf(result).map((i) => i.path)).toEqual([
      'spec.rules[0].distributions[1].variant',
      'spec.rules[1].distributions[0].variant',
    ]);
  });

  it('skips the CEL rules after a blocking schema error, as the API server does', () => {
    const result = parseFlag({
      ...flagBase,
      spec: { type: 'Boolean', defaultVariant: 'x', enabled: 'yes' },
    });
    expect(issuesOf(result)).toEqual([
      { path: 'spec.enabled', message: 'must be of type boolean' },
      { path: '', message: CEL_SKIPPED_MESSAGE },
    ]);
  });

  it('still checks the CEL rules after a non-blocking schema error such as a pattern', () => {
    const result = parseFlag({ ...flagBase, spec: { key: 'a b', type: 'Boolean', defaultVariant: 'x' } });
    expect(issuesOf(result).map((i) => i.message)).toEqual([
      "should match '^[-_,A-Za-z0-9]+$'",
      'spec.defaultVariant may only be set when spec.type is Variant',
    ]);
  });

  it('counts characters, not UTF-16 units, against maxLength', () => {
    const spec = (description: string) => ({ ...flagBase, spec: { description } });
    expect(parseFlag(spec('🚀'.repeat(1024))).ok).toBe(true);
    expect(issuesOf(parseFlag(spec('🚀'.repeat(1025))))).toEqual([
      { path: 'spec.description', message: 'Too long: may not be more than 1024 bytes' },
      { path: '', message: CEL_SKIPPED_MESSAGE },
    ]);
  });

  it('applies the API server’s metadata.name rules', () => {
    expect(issuesOf(parseFlag({ ...flagBase, metadata: { name: 'Upper' } }))[0]?.path).toBe('metadata.name');
    expect(issuesOf(parseFlag({ ...flagBase, metadata: {} }))[0]).toEqual({
      path: 'metadata.name',
      message: 'Required value',
    });
  });
});

describe('parseFlagNamespace', () => {
  it('defaults the spec and the access lists', () => {
    const result = parseFlagNamespace({
      apiVersion: 'ensign.dev/v1alpha1',
      kind: 'FlagNamespace',
      metadata: { name: 'shop' },
    });
    expect(result.ok && result.value.spec).toEqual({});
    const withAccess = parseFlagNamespace({
      apiVersion: 'ensign.dev/v1alpha1',
      kind: 'FlagNamespace',
      metadata: { name: 'shop' },
      spec: { access: {} },
    });
    expect(withAccess.ok && withAccess.value.spec.access).toEqual({ namespaces: [], serviceAccounts: [] });
  });
});

describe('formatPath', () => {
  it('writes Kubernetes field paths', () => {
    expect(formatPath(['spec', 'rules', 0, 'distributions', 1, 'variant'])).toBe(
      'spec.rules[0].distributions[1].variant',
    );
    expect(formatPath([])).toBe('');
    expect(formatPath([3, 'a'])).toBe('[3].a');
  });
});

describe('dropDisallowedNulls', () => {
  it('keeps nulls the schema allows and leaves the input untouched', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string', nullable: true } },
    };
    const input = { a: null, b: null, c: [null] };
    expect(dropDisallowedNulls(input, schema)).toEqual({ b: null, c: [null] });
    expect(input).toEqual({ a: null, b: null, c: [null] });
  });
});
