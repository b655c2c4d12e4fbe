import { describe, expect, it } from 'vitest';
import {
  ConstraintType,
  type FlagType,
  type MatchType,
  type SegmentOperator,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from './build-index.ts';
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
