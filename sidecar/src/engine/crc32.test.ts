import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CRC32_INIT, crc32, crc32Final, crc32Update } from './crc32.ts';

describe('crc32', () => {
  it('gives the CRC-32/IEEE check value for "123456789"', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it.each([
    'a',
    'abc',
    'abcd',
    'abcde',
    'user-1234',
    'some-fixed-entity-id',
    'é',
    'ascii then é then ascii again',
    '中文用户',
    '😀 emoji',
    'mixed 😀 ü 中 \u007f \u0080 \u07ff \u0800 \uffff',
  ])('matches zlib over the UTF-8 bytes of %j', (s) => {
    expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'utf8')));
  });

  it('hashes lone surrogates as U+FFFD, as UTF-8 encoders do', () => {
    for (const s of ['\ud800', 'a\udc00b', 'x\ud83d', '\udc00\ud800']) {
      expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'utf8')));
    }
  });

  it('continues a register exactly like hashing the concatenation', () => {
    const pairs: [string, string][] = [
      ['foo', '1'],
      ['flag_001', 'some-fixed-entity-id'],
      ['ü', 'ß'],
      ['', 'x'],
    ];
    for (const [a, b] of pairs) {
      expect(crc32Final(crc32Update(crc32Update(CRC32_INIT, a), b))).toBe(crc32(a + b));
    }
  });
});
