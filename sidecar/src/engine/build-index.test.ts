import { describe, expect, it } from 'vitest';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  ConstraintType,
  Flag,
  FlagType,
  type MatchType,
  Rollout,
  Rule,
  RuleSet,
  Segment,
  SegmentOperator,
  Variant,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from './build-index.ts';
import { evaluateFlag } from './evaluate.ts';
import type { NamespaceIndex } from './namespace-index.ts';
import {
  booleanFlag,
  indexOf,
  numberConstraint,
  rule,
  ruleSet,
  segment,
  segmentRollout,
  stringConstraint,
  thresholdRollout,
  variantFlag,
} from './test-support.ts';

const AND = SegmentOperator.SEGMENT_OPERATOR_AND;

describe('buildIndex', () => {
  it('exposes the namespace, revision, flags in key order and a lookup by key', () => {
    const source = ruleSet(
      [
        { ...variantFlag('a-variant', { variants: ['x'] }), metadata: { team: 'web' } },
        booleanFlag('b-boolean', false),
      ],
      [],
      'shop',
    );
    const index = buildIndex(source);
    expect(index.namespace).toBe('shop');
    expect(index.revision).toBe('test');
    expect(index.ruleSet).toBe(source);
    expect(index.size).toBe(2);
    expect(index.flags.map((f) => [f.key, f.type, f.enabled])).toEqual([
      ['a-variant', 'variant', true],
      ['b-boolean', 'boolean', false],
    ]);
    expect(index.flag('a-variant')?.metadata).toEqual({ team: 'web' });
    expect(index.flag('missing')).toBeUndefined();
  });

  it('rejects a rule that references an unknown segment, naming the flag and the segment', () => {
    expect(() => indexOf([variantFlag('f', { rules: [rule(['ghost'])] })])).toThrow(
      'rule set of namespace "default": flag "f" rule 1 references unknown segment "ghost"',
    );
    expect(() =>
      indexOf([booleanFlag('b', true, [thresholdRollout(5, true), segmentRollout(['ghost'], true)])]),
    ).toThrow('flag "b" rollout 2 references unknown segment "ghost"');
  });

  it('rejects a constraint of unknown or unspecified type, naming the segment', () => {
    const bad = segment('s', [
      stringConstraint('p', 'eq', 'x'),
      { type: ConstraintType.CONSTRAINT_TYPE_UNSPECIFIED },
    ]);
    expect(() => indexOf([], [bad])).toThrow('segment "s" constraint 2 has unknown constraint type 0');
  });

  it('rejects a constraint whose operator needs an operand it does not have', () => {
    expect(() => indexOf([], [segment('s', [numberConstraint('age', 'gt')])])).toThrow(
      'segment "s" constraint 1 (operator "gt") needs a numberValue operand but has none',
    );
  });

  it('rejects a distribution naming an unknown variant', () => {
    const flag = variantFlag('f', {
      variants: ['a'],
      rules: [
        rule(
          ['s'],
          [
            ['a', 50],
            ['b', 50],
          ],
        ),
      ],
    });
    expect(() => indexOf([flag], [segment('s')])).toThrow(
      'flag "f" rule 1 distribution 2 names unknown variant "b"',
    );
  });

  it('rejects a default variant that is not one of the variants', () => {
    expect(() => indexOf([variantFlag('f', { variants: ['a'], defaultVariant: 'z' })])).toThrow(
      'flag "f": default variant "z" is not one of its variants',
    );
  });

  it('rejects duplicates and enum values outside the contract', () => {
    expect(() => indexOf([variantFlag('f'), variantFlag('f')])).toThrow('flag "f" appears twice');
    expect(() => indexOf([], [segment('s'), segment('s')])).toThrow('segment "s" appears twice');
    expect(() => indexOf([variantFlag('f', { variants: ['a', 'a'] })])).toThrow(
      'flag "f": variant "a" appears twice',
    );
    expect(() => indexOf([{ ...variantFlag('f'), type: 5 as FlagType }])).toThrow(
      'flag "f" has unknown flag type 5',
    );
    expect(() => indexOf([], [segment('s', [], 3 as MatchType)])).toThrow(
      'segment "s" has unknown match type 3',
    );
    expect(() =>
      indexOf([variantFlag('f', { rules: [rule(['s'], [], 2 as SegmentOperator)] })], [segment('s')]),
    ).toThrow('flag "f" rule 1 has unknown segment operator 2');
  });

  it('precomputes bucket thresholds of the positive distributions only', () => {
    const index = indexOf(
      [
        variantFlag('f', {
          variants: ['a', 'b', 'c'],
          rules: [
            rule(
              ['s'],
              [
                ['a', 0],
                ['b', 25],
                ['c', 75],
              ],
            ),
          ],
        }),
      ],
      [segment('s')],
    );
    expect(index.flag('f')?.rules[0]?.thresholds).toEqual([250, 1000]);
  });
});

// Wire bytes written field by field, to build encodings ts-proto's encoder never produces.
function wire(write: (w: BinaryWriter) => void): Uint8Array {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
}

function flagBytes(flag: Parameters<typeof Flag.fromPartial>[0]): Uint8Array {
  return Flag.encode(Flag.fromPartial(flag)).finish();
}

const ENTITIES = Array.from({ length: 200 }, (_, i) => `entity-${i}`);
const CONTEXTS: Record<string, string>[] = [
  {},
  { plan: 'pro' },
  { plan: 'pro', age: '40' },
  { country: 'FR' },
];

/** Every flag's answer for a spread of entities and contexts: what an index means. */
function answersOf(index: NamespaceIndex): unknown[] {
  return index.flags.flatMap((f) =>
    CONTEXTS.flatMap((context) =>
      ENTITIES.map((entityId) => evaluateFlag(index, { flagKey: f.key, entityId, context })),
    ),
  );
}

const SEGMENTS = [
  segment('pro', [stringConstraint('plan', 'eq', 'pro'), numberConstraint('age', 'gt', 30)]),
  segment('fr', [stringConstraint('country', 'eq', 'FR')]),
];

describe('buildIndex from wire bytes', () => {
  it('keeps no decoded RuleSet', () => {
    const index = buildIndex(RuleSet.encode(ruleSet([variantFlag('f')])).finish());
    expect(index.ruleSet).toBeUndefined();
    expect(index.flag('f')?.type).toBe('variant');
  });

  it('reads fields in any order, keeps the last of repeated fields and skips unknown ones, as ts-proto does', () => {
    const rules = [
      rule(['pro'], [['a', 100]]),
      rule(
        ['fr'],
        [
          ['a', 30],
          ['b', 30],
        ],
      ),
    ];
    const bytes = wire((w) => {
      // Segments before flags, the namespace twice, an unknown top-level field.
      for (const s of SEGMENTS) w.uint32(34).bytes(Segment.encode(Segment.fromPartial(s)).finish());
      w.uint32(10).string('first');
      w.uint32(120).int32(7);
      // A flag written backwards, `enabled` twice (the last wins), `type` once with the wrong wire
      // type (skipped), an unknown field.
      const backwards = wire((f) => {
        for (const r of [...rules].reverse()) f.uint32(66).bytes(Rule.encode(Rule.fromPartial(r)).finish());
        f.uint32(58).string('b');
        f.uint32(50).bytes(Variant.encode(Variant.fromPartial({ key: 'b', attachment: '{"x":1}' })).finish());
        f.uint32(50).bytes(Variant.encode(Variant.fromPartial({ key: 'a' })).finish());
        f.uint32(40).bool(false).uint32(40).bool(true);
        f.uint32(34).string('not a varint');
        f.uint32(8 * 15).int32(1);
        f.uint32(82).bytes(wire((e) => e.uint32(10).string('team').uint32(18).string('web')));
        f.uint32(10).string('backwards');
      });
      w.uint32(26).bytes(backwards);
      w.uint32(26).bytes(flagBytes(booleanFlag('kill', true, [thresholdRollout(40, false)])));
      w.uint32(10).string('shop');
    });
    const index = buildIndex(bytes);
    const reference = buildIndex(RuleSet.decode(bytes));
    expect(index.namespace).toBe('shop');
    expect(index.flags.map((f) => [f.key, f.type, f.enabled, f.metadata])).toEqual([
      ['backwards', 'variant', true, { team: 'web' }],
      ['kill', 'boolean', true, {}],
    ]);
    expect(answersOf(index)).toEqual(answersOf(reference));
  });

  it('rejects bytes that are not a RuleSet', () => {
    const good = RuleSet.encode(ruleSet([variantFlag('f', { variants: ['a'] })], [segment('s')])).finish();
    expect(() => buildIndex(good.subarray(0, good.length - 2))).toThrow();
    expect(() => buildIndex(Uint8Array.of(0x1a, 0x05, 0x0a))).toThrow('premature end of message');
    expect(() => buildIndex(Uint8Array.of(0x00))).toThrow('invalid tag');
    expect(() => buildIndex(Uint8Array.of(0x1a, 0x01, 0x0c))).toThrow('invalid tag');
  });

  it('reports the first problem in the order of the contract, whatever the order on the wire', () => {
    const bytes = wire((w) => {
      const flag = wire((f) => {
        f.uint32(66).bytes(Rule.encode(Rule.fromPartial(rule(['ghost']))).finish());
        f.uint32(32).int32(5);
        f.uint32(10).string('f');
      });
      w.uint32(26).bytes(flag);
    });
    expect(() => buildIndex(bytes)).toThrow('flag "f" has unknown flag type 5');
  });

  it('gives flags of one shape their own keys, metadata, buckets and answers', () => {
    const shape = {
      variants: ['a', 'b'],
      rules: [
        rule(['pro'], [['a', 100]]),
        rule(
          ['fr'],
          [
            ['a', 50],
            ['b', 50],
          ],
        ),
        rule([], [], AND),
      ],
    };
    const flags = ['one', 'two', 'three'].map((key) => ({
      ...variantFlag(key, shape),
      metadata: { owner: key },
    }));
    const together = buildIndex(ruleSet(flags, SEGMENTS));
    const apart = flags.map((f) => buildIndex(ruleSet([f], SEGMENTS)));
    expect(together.flags.map((f) => f.metadata)).toEqual([
      { owner: 'one' },
      { owner: 'two' },
      { owner: 'three' },
    ]);
    const answers = answersOf(together);
    expect(answers).toEqual(apart.flatMap(answersOf));
    expect(answers.every((a) => (a as { flagKey: string }).flagKey !== '')).toBe(true);
  });

  it('compiles a flag on its own when its shape is interrupted by metadata on the wire', () => {
    const interrupted = (key: string, percentage: number) =>
      wire((f) => {
        f.uint32(10).string(key);
        f.uint32(32).int32(FlagType.FLAG_TYPE_BOOLEAN);
        f.uint32(82).bytes(wire((e) => e.uint32(10).string('k').uint32(18).string(key)));
        f.uint32(74).bytes(Rollout.encode(Rollout.fromPartial(thresholdRollout(percentage, true))).finish());
      });
    const bytes = wire((w) => {
      w.uint32(26).bytes(interrupted('a', 10));
      w.uint32(26).bytes(interrupted('b', 90));
    });
    const index = buildIndex(bytes);
    expect(answersOf(index)).toEqual(answersOf(buildIndex(RuleSet.decode(bytes))));
    expect(index.flag('b')?.metadata).toEqual({ k: 'b' });
    const trues = (key: string) =>
      ENTITIES.filter((entityId) => {
        const outcome = evaluateFlag(index, { flagKey: key, entityId, context: {} });
        return outcome.kind === 'boolean' && outcome.enabled;
      }).length;
    expect(trues('a')).toBeLessThan(trues('b'));
  });

  it('shares rules, segment groups and thresholds between flags with the same structure', () => {
    const index = indexOf(
      [
        variantFlag('x', { variants: ['a'], rules: [rule(['pro'], [['a', 40]])] }),
        variantFlag('y', { variants: ['a', 'z'], defaultVariant: 'z', rules: [rule(['pro'], [['a', 40]])] }),
        booleanFlag('p', true, [segmentRollout(['pro', 'fr'], true, AND)]),
        booleanFlag('q', false, [segmentRollout(['pro', 'fr'], false, AND)]),
      ],
      SEGMENTS,
    );
    const [x, y, p, q] = ['x', 'y', 'p', 'q'].map((k) => index.flag(k));
    expect(y?.rules).toBe(x?.rules);
    expect(q?.rollouts).toBe(p?.rollouts);
    expect(p?.rollouts[0]?.group.allKeys).toEqual(['pro', 'fr']);
    expect(x?.rules[0]?.thresholds).toEqual([400]);
  });

  it('builds a flag’s results once, on its first evaluation, and returns the same frozen result afterwards', () => {
    const index = indexOf([variantFlag('a', { variants: ['v'] }), variantFlag('b', { variants: ['v'] })]);
    const first = evaluateFlag(index, { flagKey: 'b', entityId: 'e', context: {} });
    const again = evaluateFlag(index, { flagKey: 'b', entityId: 'f', context: {} });
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toMatchObject({ flagKey: 'b', reason: 'UNKNOWN', match: false });
  });

  it('builds the next rule set correctly after rejecting one', () => {
    const bad = ruleSet([
      variantFlag('a', { variants: ['v'] }),
      variantFlag('b', { rules: [rule(['ghost'])] }),
    ]);
    expect(() => buildIndex(bad)).toThrow('flag "b" rule 1 references unknown segment "ghost"');
    const good = indexOf(
      [variantFlag('b', { variants: ['v'], defaultVariant: 'v', rules: [rule(['fr'])] })],
      SEGMENTS,
    );
    expect(evaluateFlag(good, { flagKey: 'b', entityId: 'e', context: { country: 'FR' } })).toMatchObject({
      flagKey: 'b',
      match: true,
      reason: 'MATCH',
      variantKey: 'v',
      segmentKeys: ['fr'],
    });
  });
});
