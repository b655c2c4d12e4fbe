import { run } from '@bufbuild/cel';
import { parseGoDateTime, parseGoFloat } from '@ensign/core/go-values.ts';
import { describe, expect, it } from 'vitest';
import {
  DATE_TIME_CHARACTERS_PATTERN,
  DATE_TIME_PATTERN,
  LIST_OPERATORS,
  NUMBER_CHARACTERS_PATTERN,
  NUMBER_PATTERN,
  OPERATORS_BY_TYPE,
  VALUELESS_OPERATORS,
} from './segment.ts';

/** RE2 matching, as the API server's CEL `matches` does it. */
function re2Matches(text: string, pattern: string): boolean {
  return run('text.matches(pattern)', { text, pattern }) === true;
}

const floatsGoAccepts = [
  '0',
  '42',
  '-1.5e3',
  '+3',
  '.5',
  '5.',
  '1E+5',
  '1e-5',
  '1_000',
  '1_23.50_0_0e+1_2',
  '0x1p-2',
  '0X1.8P1',
  '0x_1p0',
  '0x.8p1',
  '0x1.p1',
  'inf',
  '+Inf',
  '-infinity',
  'INFINITY',
  'NaN',
];
const floatsGoRejects = [
  '',
  ' 5',
  '5 ',
  '_1',
  '1_',
  '1__0',
  '1_.5',
  '1._5',
  '0x1',
  '0x',
  '0xp1',
  '0x1p',
  '1e',
  '1e+',
  '1e_5',
  '.',
  '+nan',
  'nan1',
  'infin',
  'abc',
  '0b101',
  '1,5',
  '--1',
];
const datesGoAccepts = [
  '2024-02-29',
  '2024-01-01T00:00:00Z',
  '2024-01-01T10:00:00.123456789+02:00',
  '2024-01-01T10:00:00.1234567891Z',
  '2024-01-01T1:00:00Z',
  '2024-01-01T10:00:00,5Z',
  '2024-01-01T23:59:59-05:30',
  '2024-01-01T10:00:00+24:00',
];
const datesGoRejects = [
  '2024-13-01',
  '2024-00-10',
  '2024-01-32',
  '2024-01-00',
  '2024-01-01t10:00:00z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:60:00Z',
  '2024-01-01T10:00:60Z',
  '2024-01-01T10:00:00',
  '2024-01-01 10:00:00Z',
  '24-01-01',
  '2024-1-01',
  '2024-01-01T10:00:00.Z',
  '2024-01-01T10:00:00+2:00',
  '2024-01-01T10:00:00+25:00',
  'tomorrow',
];

describe('the CEL pattern for a Number value', () => {
  it('accepts what Go strconv.ParseFloat accepts', () => {
    for (const s of floatsGoAccepts) {
      expect(parseGoFloat(s), s).not.toBeUndefined();
      expect(re2Matches(s, NUMBER_PATTERN), s).toBe(true);
    }
  });

  it('rejects what Go strconv.ParseFloat rejects for its syntax', () => {
    for (const s of floatsGoRejects) {
      expect(parseGoFloat(s), s).toBeUndefined();
      expect(re2Matches(s, NUMBER_PATTERN), s).toBe(false);
    }
  });

  it('cannot see overflow, which only the zod side rejects', () => {
    expect(re2Matches('1e400', NUMBER_PATTERN)).toBe(true);
    expect(parseGoFloat('1e400')).toBeUndefined();
  });
});

describe('the CEL pattern for a DateTime value', () => {
  it('accepts what Go time.Parse accepts as RFC 3339 or a date', () => {
    for (const s of datesGoAccepts) {
      expect(parseGoDateTime(s), s).not.toBeUndefined();
      expect(re2Matches(s, DATE_TIME_PATTERN), s).toBe(true);
    }
  });

  it('rejects malformed dates, out-of-range fields and lower-case t/z', () => {
    for (const s of datesGoRejects) {
      expect(parseGoDateTime(s), s).toBeUndefined();
      expect(re2Matches(s, DATE_TIME_PATTERN), s).toBe(false);
    }
  });

  it('cannot see the length of a month, which only the zod side rejects', () => {
    for (const s of ['2023-02-29', '2024-02-30', '2024-04-31']) {
      expect(re2Matches(s, DATE_TIME_PATTERN), s).toBe(true);
      expect(parseGoDateTime(s), s).toBeUndefined();
    }
  });
});

describe('the CEL character patterns for list items', () => {
  it('admit every operand Go accepts, so the API server never rejects a valid list', () => {
    for (const s of floatsGoAccepts) expect(re2Matches(s, NUMBER_CHARACTERS_PATTERN), s).toBe(true);
    for (const s of datesGoAccepts) expect(re2Matches(s, DATE_TIME_CHARACTERS_PATTERN), s).toBe(true);
  });

  it('reject words and spaces', () => {
    for (const s of ['twelve', '1 000', '']) expect(re2Matches(s, NUMBER_CHARACTERS_PATTERN), s).toBe(false);
    for (const s of ['next tuesday', '2024/01/01', '']) {
      expect(re2Matches(s, DATE_TIME_CHARACTERS_PATTERN), s).toBe(false);
    }
  });

  it('are valid JavaScript regular expressions that agree with RE2 on the samples', () => {
    for (const pattern of [
      NUMBER_PATTERN,
      DATE_TIME_PATTERN,
      NUMBER_CHARACTERS_PATTERN,
      DATE_TIME_CHARACTERS_PATTERN,
    ]) {
      const js = new RegExp(pattern);
      for (const s of [...floatsGoAccepts, ...floatsGoRejects, ...datesGoAccepts, ...datesGoRejects]) {
        expect(js.test(s), `${pattern} on ${s}`).toBe(re2Matches(s, pattern));
      }
    }
  });
});

describe('OPERATORS_BY_TYPE', () => {
  it('is Flipt’s API table, plus prefix and suffix for EntityId', () => {
    expect(OPERATORS_BY_TYPE).toEqual({
      String: [
        'eq',
        'neq',
        'empty',
        'notempty',
        'prefix',
        'suffix',
        'isoneof',
        'isnotoneof',
        'contains',
        'notcontains',
      ],
      Number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'present', 'notpresent', 'isoneof', 'isnotoneof'],
      Boolean: ['true', 'false', 'present', 'notpresent'],
      DateTime: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'present', 'notpresent', 'isoneof', 'isnotoneof'],
      EntityId: ['eq', 'neq', 'prefix', 'suffix', 'isoneof', 'isnotoneof', 'contains', 'notcontains'],
    });
  });

  it('gives Boolean constraints only operators without operands', () => {
    expect(OPERATORS_BY_TYPE.Boolean.every((op) => VALUELESS_OPERATORS.includes(op))).toBe(true);
    expect(LIST_OPERATORS).toEqual(['isoneof', 'isnotoneof']);
  });
});
