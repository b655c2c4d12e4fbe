import { describe, expect, it } from 'vitest';
import { StringTable } from './string-table.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('StringTable', () => {
  it('decodes every text correctly and shares equal short ASCII text', () => {
    const table = new StringTable();
    const buf = bytes('control|treatment|control|ünï|ünï|x');
    const texts = [
      [0, 7],
      [8, 17],
      [18, 25],
      [26, 31],
      [32, 37],
      [38, 39],
    ].map(([start, end]) => table.text(buf, start as number, end as number));
    expect(texts).toEqual(['control', 'treatment', 'control', 'ünï', 'ünï', 'x']);
    const [first, , third] = texts;
    expect(Object.is(first, third)).toBe(true);
  });

  it('never returns a text for bytes that differ from it', () => {
    const table = new StringTable();
    const seen = new Map<string, string>();
    for (let i = 0; i < 5_000; i++) {
      const text = `k${i.toString(36)}`;
      const buf = bytes(text);
      seen.set(text, table.text(buf, 0, buf.length));
    }
    for (const [text, decoded] of seen) expect(decoded).toBe(text);
    table.clear();
    const buf = bytes('after-clear');
    expect(table.text(buf, 0, buf.length)).toBe('after-clear');
  });
});
