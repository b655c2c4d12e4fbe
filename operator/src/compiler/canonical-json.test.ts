import { describe, expect, it } from 'vitest';
import { canonicalJson, compareCodePoints } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts object keys recursively and writes no whitespace', () => {
    const result = canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } });
    expect(result).toEqual({ ok: true, text: '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}' });
  });

  it('gives equal text for equal content written in different key orders', () => {
    const a = canonicalJson({ color: 'red', size: { w: 1, h: 2 } });
    const b = canonicalJson({ size: { h: 2, w: 1 }, color: 'red' });
    expect(a).toEqual(b);
  });

  it('writes scalars as JSON', () => {
    expect(canonicalJson('a"b')).toEqual({ ok: true, text: '"a\\"b"' });
    expect(canonicalJson(1.5)).toEqual({ ok: true, text: '1.5' });
    expect(canonicalJson(false)).toEqual({ ok: true, text: 'false' });
    expect(canonicalJson(null)).toEqual({ ok: true, text: 'null' });
  });

  it('does not HTML-escape, unlike Go', () => {
    expect(canonicalJson({ html: '<b>&</b>' })).toEqual({ ok: true, text: '{"html":"<b>&</b>"}' });
  });

  it('rejects non-finite numbers with the path to them', () => {
    expect(canonicalJson({ a: [1, Infinity] })).toEqual({
      ok: false,
      path: '.a[1]',
      message: 'Infinity is not a JSON number',
    });
  });

  it('rejects values that are not JSON', () => {
    expect(canonicalJson({ when: new Date(0) })).toMatchObject({ ok: false, path: '.when' });
    expect(canonicalJson({ f: undefined })).toMatchObject({ ok: false, path: '.f' });
  });
});

describe('compareCodePoints', () => {
  it('orders characters above U+FFFF after U+E000–U+FFFF, as UTF-8 byte order does', () => {
    const astral = '\u{1F600}';
    const privateUse = '\uE000';
    expect(compareCodePoints(astral, privateUse)).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from(astral), Buffer.from(privateUse))).toBeGreaterThan(0);
  });

  it('orders prefixes first and equal strings as equal', () => {
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
  });
});
