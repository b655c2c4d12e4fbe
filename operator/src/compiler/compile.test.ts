import { createHash } from 'node:crypto';
import { FlagType, RuleSet, SegmentOperator } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { describe, expect, it } from 'vitest';
import type { Flag as FlagResource } from '../api/flag.ts';
import type { Segment as SegmentResource } from '../api/segment.ts';
import { compile, type CompileInput } from './compile.ts';
import { flagResource, segmentResource } from './testdata/builders.ts';

const beta = segmentResource('beta', {
  constraints: [{ property: 'plan', type: 'String', operator: 'eq', value: 'beta' }],
});
const staff = segmentResource('staff', {
  constraints: [{ property: 'email', type: 'String', operator: 'suffix', value: '@example.com' }],
});
const unused = segmentResource('unused');

const checkout = flagResource('checkout', {
  variants: [{ key: 'old' }, { key: 'new', attachment: { z: 1, a: [true] } }],
  defaultVariant: 'old',
  rules: [{ segments: ['beta'], segmentOperator: 'Or', distributions: [{ variant: 'new', rollout: 100 }] }],
});
const darkMode = flagResource('dark-mode', {
  type: 'Boolean',
  rollouts: [
    { segment: { segments: ['staff'], segmentOperator: 'Or', value: true } },
    { threshold: { percentage: 25, value: true } },
  ],
});

function compileShop(flags: FlagResource[], segments: SegmentResource[], previous?: RuleSet) {
  return compile({ namespace: 'shop', flags, segments, previous });
}

function encode(ruleSet: RuleSet): Uint8Array {
  return RuleSet.encode(ruleSet).finish();
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function brokenCheckout(): FlagResource {
  return flagResource('checkout', {
    ...checkout.spec,
    rules: [{ segments: ['gone'], segmentOperator: 'Or', distributions: [{ variant: 'new', rollout: 100 }] }],
  });
}

describe('compile: shape', () => {
  it('takes flag and segment keys and names from the resources', () => {
    const named = flagResource('flag-object', { key: 'Flag_Key', name: 'Display' });
    const defaulted = flagResource('plain');
    const { ruleSet } = compileShop([named, defaulted], []);
    expect(ruleSet.flags.map((f) => [f.key, f.name])).toEqual([
      ['Flag_Key', 'Display'],
      ['plain', 'plain'],
    ]);
  });

  it('sorts flags and segments by key and includes only referenced segments', () => {
    const { ruleSet } = compileShop([darkMode, checkout], [unused, staff, beta]);
    expect(ruleSet.namespace).toBe('shop');
    expect(ruleSet.flags.map((f) => f.key)).toEqual(['checkout', 'dark-mode']);
    expect(ruleSet.segments.map((s) => s.key)).toEqual(['beta', 'staff']);
  });

  it('sorts by key, not by object name or reference order', () => {
    const first = flagResource('a-object', {
      key: 'z-key',
      type: 'Boolean',
      rollouts: [{ segment: { segments: ['staff', 'beta'], segmentOperator: 'Or', value: true } }],
    });
    const second = flagResource('z-object', { key: 'a-key' });
    const { ruleSet } = compileShop([first, second], [beta, staff]);
    expect(ruleSet.flags.map((f) => f.key)).toEqual(['a-key', 'z-key']);
    expect(ruleSet.segments.map((s) => s.key)).toEqual(['beta', 'staff']);
  });

  it('writes absent attachments as "" and present ones as canonical JSON', () => {
    const { ruleSet } = compileShop([checkout], [beta]);
    expect(ruleSet.flags[0]?.variants.map((v) => v.attachment)).toEqual(['', '{"a":[true],"z":1}']);
  });

  it('rounds percentages to float32 so the compiled value equals the decoded one', () => {
    const flag = flagResource('split', {
      variants: [{ key: 'a' }, { key: 'b' }],
      rules: [
        {
          segments: ['beta'],
          segmentOperator: 'And',
          distributions: [
            { variant: 'a', rollout: 33.3 },
            { variant: 'b', rollout: 66.7 },
          ],
        },
      ],
    });
    const threshold = flagResource('bool', {
      type: 'Boolean',
      rollouts: [{ threshold: { percentage: 12.3, value: false } }],
    });
    const { ruleSet } = compileShop([flag, threshold], [beta]);
    const rule = ruleSet.flags.find((f) => f.key === 'split')?.rules[0];
    expect(rule?.segmentOperator).toBe(SegmentOperator.SEGMENT_OPERATOR_AND);
    expect(rule?.distributions.map((d) => d.rollout)).toEqual([Math.fround(33.3), Math.fround(66.7)]);
    expect(ruleSet.flags.find((f) => f.key === 'bool')?.rollouts[0]).toEqual({
      kind: { $case: 'threshold', value: { percentage: Math.fround(12.3), value: false } },
    });
    expect(RuleSet.decode(encode(ruleSet))).toEqual(ruleSet);
  });

  it('maps flag types and keeps rules and rollouts in list order', () => {
    const { ruleSet } = compileShop([darkMode], [staff]);
    const flag = ruleSet.flags[0];
    expect(flag?.type).toBe(FlagType.FLAG_TYPE_BOOLEAN);
    expect(flag?.rollouts.map((r) => r.kind?.$case)).toEqual(['segment', 'threshold']);
  });

  it('reports every object as Ready when all compile', () => {
    const { objects, diagnostics } = compileShop([checkout], [beta, unused]);
    expect(diagnostics).toEqual([]);
    expect(objects).toEqual([
      {
        kind: 'Flag',
        name: 'checkout',
        namespace: 'shop',
        key: 'checkout',
        ready: true,
        reason: 'Compiled',
        message: 'flag "checkout" compiled',
        servedFromLastGood: false,
      },
      expect.objectContaining({ kind: 'Segment', name: 'beta', ready: true }),
      expect.objectContaining({ kind: 'Segment', name: 'unused', ready: true }),
    ]);
  });
});

describe('compile: determinism and revision', () => {
  const flags = [
    checkout,
    darkMode,
    flagResource('a-flag', { metadata: { team: 'web', owner: 'ana', '10': 'x', '9': 'y' } }),
  ];
  const segments = [beta, staff, unused];

  it('gives identical bytes and revision for the same input in any order', () => {
    const reference = compileShop(flags, segments).ruleSet;
    for (let seed = 1; seed <= 20; seed++) {
      const { ruleSet } = compileShop(shuffled(flags, seed), shuffled(segments, seed * 7));
      expect(Buffer.from(encode(ruleSet)).equals(Buffer.from(encode(reference)))).toBe(true);
      expect(ruleSet.revision).toBe(reference.revision);
    }
  });

  it('sets revision to the hex SHA-256 of the encoding with an empty revision', () => {
    const { ruleSet } = compileShop(flags, segments);
    const expected = createHash('sha256')
      .update(encode({ ...ruleSet, revision: '' }))
      .digest('hex');
    expect(ruleSet.revision).toBe(expected);
    expect(ruleSet.revision).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same revision for metadata and attachments written in another key order', () => {
    const a = flagResource('m', {
      metadata: { b: '2', a: '1' },
      variants: [{ key: 'v', attachment: { y: { q: 1, p: 2 }, x: 0 } }],
    });
    const b = flagResource('m', {
      metadata: { a: '1', b: '2' },
      variants: [{ key: 'v', attachment: { x: 0, y: { p: 2, q: 1 } } }],
    });
    expect(compileShop([a], []).ruleSet.revision).toBe(compileShop([b], []).ruleSet.revision);
  });

  it('changes the revision when the content changes', () => {
    const before = compileShop([checkout], [beta]).ruleSet.revision;
    const after = compileShop([flagResource('checkout', { ...checkout.spec, enabled: false })], [beta])
      .ruleSet.revision;
    expect(after).not.toBe(before);
  });

  it('keeps the revision when a segment no flag uses changes', () => {
    const before = compileShop([checkout], [beta, unused]).ruleSet.revision;
    const after = compileShop([checkout], [beta, segmentResource('unused', { matchType: 'Any' })]).ruleSet
      .revision;
    expect(after).toBe(before);
  });

  it('compiles to the same revision again when given its own output as previous', () => {
    const first = compileShop(flags, segments).ruleSet;
    const decoded = RuleSet.decode(encode(first));
    expect(compileShop(flags, segments, decoded).ruleSet.revision).toBe(first.revision);
  });

  it('refuses a previous rule set from another namespace', () => {
    const other = compile({ namespace: 'other', flags: [], segments: [] }).ruleSet;
    expect(() => compileShop([], [], other)).toThrow(/namespace "other"/);
  });
});

describe('compile: cross-object validation', () => {
  it('reports a rule that names a missing segment at its field path', () => {
    const flag = flagResource('promo', {
      variants: [{ key: 'on' }],
      rules: [
        { segments: ['staff'], segmentOperator: 'Or', distributions: [] },
        { segments: ['beta'], segmentOperator: 'Or', distributions: [{ variant: 'on', rollout: 50 }] },
      ],
    });
    const { diagnostics, ruleSet, objects } = compileShop([flag], [staff]);
    expect(diagnostics).toEqual([
      {
        kind: 'Flag',
        name: 'promo',
        namespace: 'shop',
        fieldPath: 'spec.rules[1].segments[0]',
        severity: 'Error',
        reason: 'SegmentNotFound',
        message: 'segment "beta" not found in namespace "shop"',
      },
    ]);
    expect(ruleSet.flags).toEqual([]);
    expect(objects[0]).toMatchObject({ ready: false, reason: 'SegmentNotFound', servedFromLastGood: false });
    expect(objects[0]?.message).toBe(
      'spec.rules[1].segments[0]: segment "beta" not found in namespace "shop"; not served',
    );
  });

  it('reports a rollout that names an invalid segment on the flag and the cause on the segment', () => {
    const badStaff = segmentResource('staff', {
      constraints: [{ property: 'age', type: 'Number', operator: 'gt', value: 'old' }],
    });
    const { diagnostics, objects } = compileShop([darkMode], [badStaff]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        kind: 'Flag',
        name: 'dark-mode',
        fieldPath: 'spec.rollouts[0].segment.segments[0]',
        reason: 'SegmentInvalid',
        message: 'segment "staff" in namespace "shop" is invalid',
      }),
      expect.objectContaining({
        kind: 'Segment',
        name: 'staff',
        fieldPath: 'spec.constraints[0].value',
        reason: 'InvalidConstraint',
      }),
    ]);
    expect(objects.find((o) => o.kind === 'Segment')).toMatchObject({
      ready: false,
      reason: 'InvalidConstraint',
    });
  });

  it('checks what the engine relies on even if the schema let it through', () => {
    const flag = flagResource('bad', {
      variants: [{ key: 'a' }, { key: 'a' }, { key: 'b', attachment: { n: Number.NaN } }],
      defaultVariant: 'c',
      rules: [
        {
          segments: ['beta'],
          segmentOperator: 'Or',
          distributions: [
            { variant: 'a', rollout: 60 },
            { variant: 'x', rollout: 50 },
          ],
        },
      ],
      rollouts: [{ threshold: { percentage: 101, value: true } }],
    });
    const { diagnostics } = compileShop([flag], [beta]);
    expect(diagnostics.map((d) => [d.fieldPath, d.reason])).toEqual([
      ['spec.rollouts', 'InvalidFlag'],
      ['spec.variants[1].key', 'DuplicateVariant'],
      ['spec.variants[2].attachment.n', 'InvalidAttachment'],
      ['spec.defaultVariant', 'VariantNotFound'],
      ['spec.rules[0].distributions[1].variant', 'VariantNotFound'],
      ['spec.rules[0].distributions', 'InvalidRule'],
      ['spec.rollouts[0].threshold.percentage', 'InvalidRollout'],
    ]);
  });

  it('refuses rules on Boolean flags and rollouts with both or neither kind', () => {
    const flag = flagResource('b', {
      type: 'Boolean',
      rules: [{ segments: ['beta'], segmentOperator: 'Or', distributions: [] }],
      rollouts: [
        {},
        {
          threshold: { percentage: 1, value: true },
          segment: { segments: ['beta'], segmentOperator: 'Or', value: true },
        },
      ],
    });
    const { diagnostics } = compileShop([flag], [beta]);
    expect(diagnostics.map((d) => [d.fieldPath, d.reason])).toEqual([
      ['spec.rules', 'InvalidFlag'],
      ['spec.rollouts[0]', 'InvalidRollout'],
      ['spec.rollouts[1]', 'InvalidRollout'],
    ]);
  });

  it('serves a segment with a warning and says so in its outcome', () => {
    const window = segmentResource('window', {
      constraints: [{ property: 'day', type: 'DateTime', operator: 'isoneof', values: ['2025-01-01'] }],
    });
    const user = flagResource('user', {
      type: 'Boolean',
      rollouts: [{ segment: { segments: ['window'], segmentOperator: 'Or', value: true } }],
    });
    const { ruleSet, diagnostics, objects } = compileShop([user], [window]);
    expect(ruleSet.segments.map((s) => s.key)).toEqual(['window']);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        kind: 'Segment',
        name: 'window',
        severity: 'Warning',
        reason: 'NeverMatches',
      }),
    ]);
    const outcome = objects.find((o) => o.kind === 'Segment');
    expect(outcome).toMatchObject({ ready: true, reason: 'Compiled' });
    expect(outcome?.message).toMatch(
      /^segment "window" compiled; warning: spec\.constraints\[0\]\.operator: /,
    );
  });

  it('accepts percentages that sum to 100 only after rounding', () => {
    const flag = flagResource('thirds', {
      variants: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
      rules: [
        {
          segments: ['beta'],
          segmentOperator: 'Or',
          distributions: [
            { variant: 'a', rollout: 33.33 },
            { variant: 'b', rollout: 33.33 },
            { variant: 'c', rollout: 33.34 },
          ],
        },
      ],
    });
    expect(compileShop([flag], [beta]).diagnostics).toEqual([]);
  });
});

describe('compile: duplicate flag keys', () => {
  const first = flagResource('alpha', { key: 'checkout', description: 'from alpha' });
  const second = flagResource('beta', { key: 'checkout', description: 'from beta' });
  const third = flagResource('checkout', { description: 'from the name' });

  it('serves the Flag whose name sorts first and reports both', () => {
    for (const order of [
      [first, second, third],
      [third, second, first],
    ]) {
      const { ruleSet, diagnostics, objects } = compileShop(order, []);
      expect(ruleSet.flags.map((f) => f.description)).toEqual(['from alpha']);
      expect(diagnostics).toEqual([
        expect.objectContaining({
          name: 'alpha',
          fieldPath: 'spec.key',
          severity: 'Warning',
          reason: 'DuplicateFlagKey',
          message:
            'flag key "checkout" is also claimed by Flag "beta", "checkout"; this Flag is served because its name sorts first',
        }),
        expect.objectContaining({
          name: 'beta',
          fieldPath: 'spec.key',
          severity: 'Error',
          reason: 'DuplicateFlagKey',
        }),
        expect.objectContaining({
          name: 'checkout',
          fieldPath: 'metadata.name',
          severity: 'Error',
          reason: 'DuplicateFlagKey',
        }),
      ]);
      expect(objects[0]?.message).toMatch(
        /^flag "checkout" compiled; warning: spec\.key: flag key "checkout"/,
      );
      expect(objects.map((o) => [o.name, o.ready])).toEqual([
        ['alpha', true],
        ['beta', false],
        ['checkout', false],
      ]);
    }
  });

  it('does not fall back to the next claimant when the first one is broken', () => {
    const brokenFirst = flagResource('alpha', { key: 'checkout', defaultVariant: 'missing' });
    const { ruleSet } = compileShop([brokenFirst, second], []);
    expect(ruleSet.flags).toEqual([]);
  });

  it('rejects two objects with the same name', () => {
    const { ruleSet, diagnostics } = compileShop(
      [first, flagResource('alpha', { key: 'other' })],
      [beta, beta],
    );
    expect(ruleSet.flags).toEqual([]);
    expect(diagnostics.filter((d) => d.reason === 'DuplicateObject').map((d) => [d.kind, d.name])).toEqual([
      ['Flag', 'alpha'],
      ['Flag', 'alpha'],
      ['Segment', 'beta'],
      ['Segment', 'beta'],
    ]);
  });
});

describe('compile: last good', () => {
  const good = compileShop([checkout, darkMode], [beta, staff]).ruleSet;

  it('serves the previous version of a flag that breaks, and nothing changes', () => {
    const { ruleSet, objects } = compileShop([brokenCheckout(), darkMode], [beta, staff], good);
    expect(ruleSet.flags.find((f) => f.key === 'checkout')).toEqual(
      good.flags.find((f) => f.key === 'checkout'),
    );
    expect(ruleSet.revision).toBe(good.revision);
    expect(objects.find((o) => o.name === 'checkout')).toEqual({
      kind: 'Flag',
      name: 'checkout',
      namespace: 'shop',
      key: 'checkout',
      ready: false,
      reason: 'SegmentNotFound',
      message:
        'spec.rules[0].segments[0]: segment "gone" not found in namespace "shop"; serving the last good version',
      servedFromLastGood: true,
    });
  });

  it('serves the fresh version again once the flag is fixed', () => {
    const broken = compileShop([brokenCheckout(), darkMode], [beta, staff], good).ruleSet;
    const fixedSpec = { ...checkout.spec, description: 'fixed' };
    const { ruleSet, objects } = compileShop(
      [flagResource('checkout', fixedSpec), darkMode],
      [beta, staff],
      broken,
    );
    expect(ruleSet.flags.find((f) => f.key === 'checkout')?.description).toBe('fixed');
    expect(objects.find((o) => o.name === 'checkout')).toMatchObject({
      ready: true,
      servedFromLastGood: false,
    });
  });

  it('leaves out a broken flag that has no previous version', () => {
    const { ruleSet, objects } = compileShop([brokenCheckout()], [beta]);
    expect(ruleSet.flags).toEqual([]);
    expect(objects[0]).toMatchObject({ ready: false, servedFromLastGood: false });
  });

  it('keeps the old segment definition for flags whose segment was deleted', () => {
    const { ruleSet, objects } = compileShop([checkout, darkMode], [staff], good);
    expect(ruleSet.flags.map((f) => f.key)).toEqual(['checkout', 'dark-mode']);
    expect(ruleSet.segments).toEqual(good.segments);
    expect(objects.find((o) => o.name === 'checkout')).toMatchObject({
      ready: false,
      reason: 'SegmentNotFound',
      servedFromLastGood: true,
    });
  });

  it('keeps the old definition of a segment that became invalid, and says so on the segment', () => {
    const badBeta = segmentResource('beta', {
      constraints: [{ property: 'since', type: 'DateTime', operator: 'gt', value: 'last week' }],
    });
    const { ruleSet, objects } = compileShop([checkout, darkMode], [badBeta, staff], good);
    expect(ruleSet.segments.find((s) => s.key === 'beta')).toEqual(
      good.segments.find((s) => s.key === 'beta'),
    );
    expect(objects.find((o) => o.kind === 'Segment' && o.name === 'beta')).toMatchObject({
      ready: false,
      reason: 'InvalidConstraint',
      servedFromLastGood: true,
    });
  });

  it('gives last good flags the fresh version of segments that are still valid', () => {
    const both = flagResource('both', {
      type: 'Boolean',
      rollouts: [{ segment: { segments: ['beta', 'staff'], segmentOperator: 'And', value: true } }],
    });
    const before = compileShop([both], [beta, staff]).ruleSet;
    const newStaff = segmentResource('staff', { matchType: 'Any', constraints: staff.spec.constraints });
    const { ruleSet } = compileShop([both], [newStaff], before);
    expect(ruleSet.flags).toEqual(before.flags);
    expect(ruleSet.segments.find((s) => s.key === 'beta')).toEqual(
      before.segments.find((s) => s.key === 'beta'),
    );
    expect(ruleSet.segments.find((s) => s.key === 'staff')?.matchType).toBe(1);
  });

  it('works from a previous rule set that went through the wire', () => {
    const decoded = RuleSet.decode(encode(good));
    const { ruleSet } = compileShop([brokenCheckout(), darkMode], [beta, staff], decoded);
    expect(ruleSet.revision).toBe(good.revision);
  });

  it('does not serve a last good flag whose segments cannot be found anywhere', () => {
    const incomplete: RuleSet = { ...good, segments: good.segments.filter((s) => s.key !== 'beta') };
    const { ruleSet, objects } = compileShop([brokenCheckout()], [], incomplete);
    expect(ruleSet.flags).toEqual([]);
    expect(objects[0]?.servedFromLastGood).toBe(false);
    expect(objects[0]?.message).toMatch(/its last good version needs missing segment "beta"/);
  });

  it('drops a deleted flag even though previous has it', () => {
    const { ruleSet } = compileShop([darkMode], [beta, staff], good);
    expect(ruleSet.flags.map((f) => f.key)).toEqual(['dark-mode']);
    expect(ruleSet.segments.map((s) => s.key)).toEqual(['staff']);
  });

  it('does not mutate its inputs', () => {
    const input: CompileInput = {
      namespace: 'shop',
      flags: [brokenCheckout()],
      segments: [staff],
      previous: good,
    };
    const snapshot = structuredClone(input);
    const { ruleSet } = compile(input);
    for (const flag of ruleSet.flags) flag.description = 'changed';
    expect(ruleSet.flags).toHaveLength(1);
    expect(input).toEqual(snapshot);
  });
});

describe('compile: access policy', () => {
  const flagNamespace = (access: {
    namespaces?: string[];
    serviceAccounts?: { namespace: string; name: string }[];
  }) =>
    ({
      apiVersion: 'ensign.dev/v1alpha1',
      kind: 'FlagNamespace',
      metadata: { name: 'shop' },
      spec: {
        access: { namespaces: access.namespaces ?? [], serviceAccounts: access.serviceAccounts ?? [] },
      },
    }) as const;

  it('carries the FlagNamespace access policy, sorted and without duplicates', () => {
    const { ruleSet } = compile({
      namespace: 'shop',
      flags: [],
      segments: [],
      flagNamespace: flagNamespace({
        namespaces: ['web', 'api', 'web'],
        serviceAccounts: [
          { namespace: 'b', name: 'x' },
          { namespace: 'a', name: 'y' },
          { namespace: 'b', name: 'x' },
        ],
      }),
    });
    expect(ruleSet.access).toEqual({
      namespaces: ['api', 'web'],
      serviceAccounts: [
        { namespace: 'a', name: 'y' },
        { namespace: 'b', name: 'x' },
      ],
    });
  });

  it('gives the same revision for the same policy written in another order, and a new one when it changes', () => {
    const a = compile({
      namespace: 'shop',
      flags: [],
      segments: [],
      flagNamespace: flagNamespace({ namespaces: ['x', 'y'] }),
    });
    const b = compile({
      namespace: 'shop',
      flags: [],
      segments: [],
      flagNamespace: flagNamespace({ namespaces: ['y', 'x'] }),
    });
    const c = compile({
      namespace: 'shop',
      flags: [],
      segments: [],
      flagNamespace: flagNamespace({ namespaces: ['x'] }),
    });
    expect(a.ruleSet.revision).toBe(b.ruleSet.revision);
    expect(c.ruleSet.revision).not.toBe(a.ruleSet.revision);
  });

  it('leaves access unset when there is no FlagNamespace or it admits nobody extra', () => {
    expect(compile({ namespace: 'shop', flags: [], segments: [] }).ruleSet.access).toBeUndefined();
    expect(
      compile({ namespace: 'shop', flags: [], segments: [], flagNamespace: flagNamespace({}) }).ruleSet
        .access,
    ).toBeUndefined();
  });
});
