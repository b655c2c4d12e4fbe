import { parse as parseCel } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import type { XValidation } from './cel-rule.ts';
import type { SchemaNode } from './crd-schema.ts';
import { buildCrd, CRD_DEFINITIONS, renderCrdFiles, type CrdDefinition } from './crds.ts';
import { CEL_SKIPPED_MESSAGE, parseResource, type Issue } from './parse.ts';
import { constraintOperator, constraintType } from './segment.ts';
import { evaluateCrdRules, type RuleFailure } from './testdata/evaluate-crd-rules.ts';
import { loadFixtures } from './testdata/fixtures.ts';

type Crd = {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: unknown;
      additionalPrinterColumns: { name: string; jsonPath: string; priority?: number }[];
      schema: { openAPIV3Schema: SchemaNode };
    }[];
  };
};

const crds = new Map(CRD_DEFINITIONS.map((d: CrdDefinition) => [d.kind, buildCrd(d) as unknown as Crd]));

function crdOf(kind: string): Crd {
  const crd = crds.get(kind);
  if (crd === undefined) throw new Error(`no CRD for ${kind}`);
  return crd;
}

function schemaOf(kind: string): SchemaNode {
  const version = crdOf(kind).spec.versions[0];
  if (version === undefined) throw new Error(`${kind} has no version`);
  return version.schema.openAPIV3Schema;
}

const KINDS = CRD_DEFINITIONS.map((d) => d.kind);

interface Visit {
  path: string;
  node: SchemaNode;
}

function walk(node: SchemaNode, path = ''): Visit[] {
  const visits: Visit[] = [{ path, node }];
  const properties = (node.properties ?? {}) as Record<string, SchemaNode>;
  for (const [name, child] of Object.entries(properties)) visits.push(...walk(child, `${path}.${name}`));
  if (typeof node.items === 'object') visits.push(...walk(node.items as SchemaNode, `${path}[]`));
  if (typeof node.additionalProperties === 'object') {
    visits.push(...walk(node.additionalProperties as SchemaNode, `${path}{}`));
  }
  return visits;
}

const FORBIDDEN_KEYWORDS = [
  '$ref',
  'definitions',
  '$defs',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'patternProperties',
  'uniqueItems',
];
// The standard root fields: the API server handles them, and no rule iterates them.
const UNCAPPED = new Set(['.apiVersion', '.kind', '.metadata']);

describe.each(KINDS)('the %s CRD schema', (kind) => {
  const visits = walk(schemaOf(kind));

  it('is structural: every node has a type unless it preserves unknown fields', () => {
    const untyped = visits.filter(
      ({ node }) =>
        typeof node.type !== 'string' &&
        node['x-kubernetes-preserve-unknown-fields'] !== true &&
        node['x-kubernetes-int-or-string'] !== true,
    );
    expect(untyped.map((v) => v.path)).toEqual([]);
  });

  it('uses no keyword a structural schema forbids', () => {
    const offending = visits.flatMap(({ path, node }) => [
      ...FORBIDDEN_KEYWORDS.filter((k) => k in node).map((k) => `${path}: ${k}`),
      ...(node.additionalProperties === false ? [`${path}: additionalProperties: false`] : []),
    ]);
    expect(offending).toEqual([]);
  });

  it('caps every list, map and string, so the CEL cost estimate stays bounded', () => {
    const uncapped = visits.filter(({ path, node }) => {
      if (UNCAPPED.has(path)) return false;
      if (node.type === 'array') return typeof node.maxItems !== 'number';
      if (node.type === 'string') return typeof node.maxLength !== 'number' && !Array.isArray(node.enum);
      if (node.type === 'object' && typeof node.additionalProperties === 'object') {
        return typeof node.maxProperties !== 'number';
      }
      return false;
    });
    expect(uncapped.map((v) => v.path)).toEqual([]);
  });

  it('keys every map-type list by required fields', () => {
    for (const { path, node } of visits.filter((v) => v.node['x-kubernetes-list-type'] === 'map')) {
      const keys = node['x-kubernetes-list-map-keys'] as string[];
      const required = ((node.items as SchemaNode).required ?? []) as string[];
      expect(keys.length, path).toBeGreaterThan(0);
      expect(required, path).toEqual(expect.arrayContaining(keys));
    }
  });

  it('has CEL rules that parse, with messages and fieldPaths that point into the schema', () => {
    for (const { path, node } of visits) {
      for (const rule of (node['x-kubernetes-validations'] ?? []) as XValidation[]) {
        expect(() => parseCel(rule.rule), `${path}: ${rule.rule}`).not.toThrow();
        expect(rule.message.length).toBeGreaterThan(0);
        if (rule.fieldPath !== undefined) {
          const target = rule.fieldPath.split('.').slice(1);
          let cursor: SchemaNode | undefined = node;
          for (const name of target)
            cursor = (cursor?.properties as Record<string, SchemaNode> | undefined)?.[name];
          expect(cursor, `${path}: fieldPath ${rule.fieldPath}`).toBeDefined();
        }
      }
    }
  });
});

describe('the CRD objects', () => {
  it('name the kinds, short names and category', () => {
    expect(
      CRD_DEFINITIONS.map((d) => [crdOf(d.kind).metadata.name, crdOf(d.kind).spec.names.shortNames]),
    ).toEqual([
      ['flags.ensign.dev', ['ff']],
      ['segments.ensign.dev', ['seg']],
      ['flagnamespaces.ensign.dev', ['fns']],
    ]);
    for (const kind of KINDS) expect(crdOf(kind).spec.names.categories).toEqual(['ensign']);
    expect(crdOf('FlagNamespace').spec.scope).toBe('Cluster');
    expect(crdOf('Flag').spec.scope).toBe('Namespaced');
  });

  it('serve one storage version with the status subresource', () => {
    for (const kind of KINDS) {
      const versions = crdOf(kind).spec.versions;
      expect(versions.map((v) => [v.name, v.served, v.storage, v.subresources])).toEqual([
        ['v1alpha1', true, true, { status: {} }],
      ]);
    }
  });

  it('print the columns kubectl get shows', () => {
    const columns = (kind: string) =>
      crdOf(kind).spec.versions[0]?.additionalPrinterColumns.map((c) => `${c.name}${c.priority ? '*' : ''}`);
    expect(columns('Flag')).toEqual(['Key*', 'Type', 'Enabled', 'Default', 'Ready', 'Reason*', 'Age']);
    expect(columns('Segment')).toEqual(['Match', 'Ready', 'Age']);
    expect(columns('FlagNamespace')).toEqual(['Revision', 'Flags', 'Segments', 'Ready', 'Age']);
    const ready = crdOf('Flag').spec.versions[0]?.additionalPrinterColumns.find((c) => c.name === 'Ready');
    expect(ready?.jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
  });

  it('key status conditions by type and variants by key', () => {
    const conditions = walk(schemaOf('Flag')).find((v) => v.path === '.status.conditions')?.node;
    expect(conditions?.['x-kubernetes-list-map-keys']).toEqual(['type']);
    const variants = walk(schemaOf('Flag')).find((v) => v.path === '.spec.variants')?.node;
    expect(variants?.['x-kubernetes-list-type']).toBe('map');
    expect(variants?.['x-kubernetes-list-map-keys']).toEqual(['key']);
  });

  it('keep variant attachments as opaque JSON', () => {
    const attachment = walk(schemaOf('Flag')).find((v) => v.path === '.spec.variants[].attachment')?.node;
    expect(attachment).toEqual({
      description: expect.any(String) as unknown,
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('render the same bytes every time, with identical chart copies', () => {
    const first = renderCrdFiles();
    expect(renderCrdFiles()).toEqual(first);
    expect(first.map((f) => f.path)).toEqual([
      'crds/ensign.dev_flags.yaml',
      'charts/ensign/crds/ensign.dev_flags.yaml',
      'crds/ensign.dev_segments.yaml',
      'charts/ensign/crds/ensign.dev_segments.yaml',
      'crds/ensign.dev_flagnamespaces.yaml',
      'charts/ensign/crds/ensign.dev_flagnamespaces.yaml',
    ]);
    for (let i = 0; i < first.length; i += 2) expect(first[i]?.content).toBe(first[i + 1]?.content);
  });
});

// --- The CEL rules in the YAML and their zod mirrors agree -------------------------------------

const celMessages = new Set(
  KINDS.flatMap((kind) =>
    walk(schemaOf(kind)).flatMap(({ node }) =>
      ((node['x-kubernetes-validations'] ?? []) as XValidation[]).map((r) => r.message),
    ),
  ),
);

/**
 * For list items of Number and DateTime constraints CEL checks only the characters (the precise
 * pattern would exceed the API server's cost budget); zod checks them exactly, so it may reject more.
 */
const zodStricter = (message: string): boolean =>
  message.startsWith('every spec.constraints[].values item must be');

function compare(object: unknown, issues: Issue[]): { cel: RuleFailure[]; zod: Issue[] } | undefined {
  // The API server does not evaluate CEL rules after a blocking schema error.
  if (issues.some((i) => i.message === CEL_SKIPPED_MESSAGE)) return undefined;
  const kind = (object as { kind: string }).kind;
  return {
    cel: evaluateCrdRules(schemaOf(kind), object),
    zod: issues.filter((i) => celMessages.has(i.message)),
  };
}

/** Checks that zod and the CRD's CEL rules agree on `object`; true if zod accepted it. */
function expectMirrored(object: unknown, label: string): boolean {
  const result = parseResource(object);
  const outcome = compare(object, result.ok ? [] : result.issues);
  if (outcome === undefined) return result.ok;
  const { cel, zod } = outcome;
  for (const failure of cel) {
    const mirrored = zod.some((i) => i.message === failure.message && i.path.startsWith(failure.path));
    expect(mirrored, `${label}: CEL rejects (${failure.path}: ${failure.message}) but zod does not`).toBe(
      true,
    );
  }
  for (const issue of zod) {
    const mirrored = cel.some((f) => f.message === issue.message && issue.path.startsWith(f.path));
    expect(
      mirrored || zodStricter(issue.message),
      `${label}: zod rejects (${issue.path}: ${issue.message}) but CEL does not`,
    ).toBe(true);
  }
  return result.ok;
}

describe('the CEL rules in the CRDs and their zod mirrors', () => {
  it.each([...loadFixtures('valid'), ...loadFixtures('invalid')].map((f) => [f.name, f.object] as const))(
    'agree on %s',
    (name, object) => {
      expectMirrored(object, name);
    },
  );

  it('produce the CEL message each CEL-rule fixture expects', () => {
    for (const fixture of loadFixtures('invalid').filter((f) =>
      [...celMessages].some((m) => m.includes(f.expect ?? '')),
    )) {
      const failures = evaluateCrdRules(schemaOf((fixture.object as { kind: string }).kind), fixture.object);
      expect(
        failures.some((f) => f.message.includes(fixture.expect ?? '') && f.path === (fixture.path ?? f.path)),
        `${fixture.name}: ${JSON.stringify(failures)}`,
      ).toBe(true);
    }
  });

  it('agree on every constraint type × operator × operand combination', () => {
    const values = [undefined, '', '42', '2024-05-01T10:00:00Z', 'beta user'];
    const lists = [undefined, [], ['42', '-7.5e3'], ['2024-05-01', '2024-06-01T00:00:00Z'], ['beta', 'x y']];
    let rejected = 0;
    for (const type of constraintType.options) {
      for (const operator of constraintOperator.options) {
        for (const value of values) {
          for (const list of lists) {
            const constraint = { property: 'p', type, operator, value, values: list };
            const object = {
              apiVersion: 'ensign.dev/v1alpha1',
              kind: 'Segment',
              metadata: { name: 'matrix' },
              spec: { constraints: [JSON.parse(JSON.stringify(constraint)) as unknown] },
            };
            if (!expectMirrored(object, JSON.stringify(constraint))) rejected++;
          }
        }
      }
    }
    // Most combinations are invalid (wrong operator for the type, or the wrong operand).
    expect(rejected).toBeGreaterThan(2000);
  }, 60_000);

  it('agree on every combination of flag type, variants, default, rules and rollouts', () => {
    const variantsOptions = [[], [{ key: 'a' }, { key: 'b' }]];
    const defaults = [undefined, 'a', 'z'];
    const rulesOptions = [
      [],
      [{ segments: ['s'], distributions: [{ variant: 'a', rollout: 50 }] }],
      [{ segments: ['s'], distributions: [{ variant: 'z', rollout: 50 }] }],
      [
        {
          segments: ['s'],
          distributions: [
            { variant: 'a', rollout: 60 },
            { variant: 'b', rollout: 40.5 },
          ],
        },
      ],
    ];
    const rolloutsOptions = [
      [],
      [{ threshold: { percentage: 5, value: true } }],
      [{ threshold: { percentage: 5, value: true }, segment: { segments: ['s'], value: true } }],
      [{ description: 'neither' }],
    ];
    let accepted = 0;
    for (const type of ['Variant', 'Boolean']) {
      for (const variants of variantsOptions) {
        for (const defaultVariant of defaults) {
          for (const rules of rulesOptions) {
            for (const rollouts of rolloutsOptions) {
              for (const name of ['plain', 'dotted.name']) {
                const spec = JSON.parse(
                  JSON.stringify({ type, variants, defaultVariant, rules, rollouts }),
                ) as object;
                const object = { apiVersion: 'ensign.dev/v1alpha1', kind: 'Flag', metadata: { name }, spec };
                if (expectMirrored(object, `${name} ${JSON.stringify(spec)}`)) accepted++;
              }
            }
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
  }, 60_000);
});
