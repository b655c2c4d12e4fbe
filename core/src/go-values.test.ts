import { describe, expect, it } from 'vitest';
import {
  compareInstant,
  goTrimSpace,
  isGoBlank,
  parseGoBool,
  parseGoDateTime,
  parseGoFloat,
} from './go-values.ts';

// Every expected value in these tables was checked against Go 1.26 (strconv.ParseFloat(s, 64),
// strconv.ParseBool, time.Parse(time.RFC3339) then time.DateOnly with .UTC(), strings.TrimSpace).

describe('goTrimSpace and isGoBlank', () => {
  const cases: [string, string][] = [
    [' \t\n\v\f\r x \r\n', 'x'],
    ['\u0085x\u0085', 'x'],
    ['\u00a0x\u00a0', 'x'],
    ['\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x\u3000', 'x'],
    ['\ufeffx\ufeff', '\ufeffx\ufeff'],
    ['\u200bx', '\u200bx'],
    ['\u180ex', '\u180ex'],
    ['a b', 'a b'],
    ['', ''],
  ];
  it.each(cases)('trims %j to %j like strings.TrimSpace', (input, trimmed) => {
    expect(goTrimSpace(input)).toBe(trimmed);
    expect(isGoBlank(input)).toBe(trimmed === '');
  });

  it('differs from String.prototype.trim on U+0085 and U+FEFF', () => {
    expect(goTrimSpace('\u0085')).toBe('');
    expect('\u0085'.trim()).toBe('\u0085');
    expect(goTrimSpace('\ufeff')).toBe('\ufeff');
    expect('\ufeff'.trim()).toBe('');
    expect(isGoBlank('\ufeff')).toBe(false);
    expect(isGoBlank(' \u0085\u00a0')).toBe(true);
  });

  it('returns the same string when nothing is trimmed', () => {
    const s = 'no-space';
    expect(goTrimSpace(s)).toBe(s);
  });
});

describe('parseGoFloat', () => {
  const accepted: [string, number][] = [
    ['0', 0],
    ['-0', -0],
    ['+5', 5],
    ['42', 42],
    ['42.0', 42],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5e-3', 0.0015],
    ['10.11', 10.11],
    ['1_000', 1000],
    ['0_1', 1],
    ['1_0e1_0', 1e11],
    ['1_23.50_0_0e+1_2', 1.235e14],
    ['0x1p-2', 0.25],
    ['0X1P2', 4],
    ['0x.8p1', 1],
    ['0x1.p1', 2],
    ['0x_1_2.3_4_5p+1_2', 74565],
    ['0x1p-1074', 5e-324],
    ['0x1.8p-1074', 1e-323],
    ['0x1p-1075', 0],
    ['0x1.fffffffffffff7p1023', 1.7976931348623157e308],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['1.797693134862315807e308', 1.7976931348623157e308],
    ['1e-400', 0],
    ['inf', Infinity],
    ['-Inf', -Infinity],
    ['+INFINITY', Infinity],
    ['infinity', Infinity],
  ];
  it.each(accepted)('accepts %j as %d', (input, value) => {
    expect(parseGoFloat(input)).toBe(value);
  });

  it('accepts nan and NaN as NaN', () => {
    expect(parseGoFloat('nan')).toBeNaN();
    expect(parseGoFloat('NaN')).toBeNaN();
  });

  const rejected = [
    '',
    ' 5',
    '5 ',
    '\t5',
    '+',
    '-',
    '.',
    '_1',
    '1_',
    '1__0',
    '-_123.5e+12',
    '123_.5',
    '123._5',
    '123.5_e+12',
    '123.5e_+12',
    '123.5e+_12',
    '123.5e+1__2',
    '123.5e+12_',
    '-_0x12.345p+12',
    '0x1',
    '0x',
    '0xp1',
    '00x1p1',
    '0b101',
    '0o7',
    '0x10',
    '1e400',
    '-1e400',
    '1.7976931348623159e308',
    '0x1p1024',
    '0x1.fffffffffffff8p1023',
    'infinit',
    '+nan',
    '-nan',
    'nana',
    '1e',
    '1e+',
    '1d',
    '1f',
    '1.2.3',
    '1,5',
    '\u0661',
    '\uff11',
    'foo',
  ];
  it.each(rejected)('rejects %j', (input) => {
    expect(parseGoFloat(input)).toBeUndefined();
  });

  it('rejects what JavaScript Number() accepts', () => {
    for (const s of [' 5', '0x10', '', '0b1', 'Infinity ']) {
      expect(Number.isNaN(Number(s))).toBe(false);
      expect(parseGoFloat(s)).toBeUndefined();
    }
  });
});

describe('parseGoBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('reads %j as true', (s) => {
    expect(parseGoBool(s)).toBe(true);
  });
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('reads %j as false', (s) => {
    expect(parseGoBool(s)).toBe(false);
  });
  it.each(['', 'tRUE', 'yes', 'no', ' true', 'true ', 'not a bool', '2'])('rejects %j', (s) => {
    expect(parseGoBool(s)).toBeUndefined();
  });
});

describe('parseGoDateTime', () => {
  const accepted: [string, number, number][] = [
    ['2006-01-02', 1136160000, 0],
    ['2006-01-02T00:00:00Z', 1136160000, 0],
    ['2006-01-02T15:04:05Z', 1136214245, 0],
    ['2006-01-02T15:04:05+07:00', 1136189045, 0],
    ['2006-01-02T15:04:05-07:30', 1136241245, 0],
    ['2006-01-02T15:04:05.123456789123Z', 1136214245, 123456789],
    ['2006-01-02T15:04:05.5Z', 1136214245, 500000000],
    ['1970-01-01T00:00:00.000000001Z', 0, 1],
    ['1969-12-31T23:59:59.5Z', -1, 500000000],
    ['2024-02-29', 1709164800, 0],
    ['2000-02-29T12:00:00Z', 951825600, 0],
    ['0000-01-01T00:00:00Z', -62167219200, 0],
    ['9999-12-31T23:59:59-23:59', 253402387139, 0],
    // Leniencies of Go's layout parser, which time.Parse falls back to after its RFC 3339 fast path.
    ['2006-01-02T1:04:05Z', 1136163845, 0],
    ['2006-01-02T15:04:05,5Z', 1136214245, 500000000],
    ['2006-01-02T23:59:59+24:00', 1136159999, 0],
    ['2006-01-02T23:59:59+23:60', 1136159999, 0],
  ];
  it.each(accepted)('reads %j as %d s %d ns', (input, seconds, nanos) => {
    expect(parseGoDateTime(input)).toEqual({ seconds, nanos });
  });

  const rejected = [
    '',
    '2023-02-29',
    '2006-02-30',
    '2006-02-30T00:00:00Z',
    '2006-04-31',
    '2006-13-01',
    '2006-00-10',
    '2006-01-00',
    '2006-01-02T15:04:60Z',
    '2006-01-02T15:60:00Z',
    '2006-01-02T24:00:00Z',
    '2006-01-02t15:04:05Z',
    '2006-01-02T15:04:05z',
    '2006-01-02 15:04:05Z',
    '2006-01-02T15:04:05',
    '2006-01-02T15:04:05.Z',
    '2006-01-02T15:04:05+0700',
    '2006-01-02T15:04:05+07',
    '2006-01-02T23:59:59+25:00',
    '2006-01-02T23:59:59+23:61',
    '2006-01-02T15:4:05Z',
    '2006-01-02T15:04:5Z',
    '2006-1-02',
    '2006-01-2',
    '+006-01-02',
    '20060102',
    ' 2006-01-02',
    '2006-01-02 ',
    'bar',
  ];
  it.each(rejected)('rejects %j', (input) => {
    expect(parseGoDateTime(input)).toBeUndefined();
  });

  it('reads a date-only value as the same instant as midnight UTC', () => {
    const dateOnly = parseGoDateTime('2006-01-02');
    const midnight = parseGoDateTime('2006-01-02T00:00:00Z');
    expect(dateOnly).toBeDefined();
    expect(midnight).toBeDefined();
    if (dateOnly && midnight) expect(compareInstant(dateOnly, midnight)).toBe(0);
  });
});

describe('compareInstant', () => {
  it('orders by seconds, then nanoseconds', () => {
    expect(compareInstant({ seconds: 1, nanos: 0 }, { seconds: 2, nanos: 0 })).toBe(-1);
    expect(compareInstant({ seconds: 2, nanos: 0 }, { seconds: 1, nanos: 999_999_999 })).toBe(1);
    expect(compareInstant({ seconds: -1, nanos: 500 }, { seconds: -1, nanos: 499 })).toBe(1);
    expect(compareInstant({ seconds: 5, nanos: 7 }, { seconds: 5, nanos: 7 })).toBe(0);
  });
});
