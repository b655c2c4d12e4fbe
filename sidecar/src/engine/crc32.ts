// CRC-32/IEEE (the zlib/PNG polynomial) over the UTF-8 bytes of JS strings, computed from char codes
// without building a byte buffer. The register is kept un-finalised between calls so a hash can be
// continued: Flipt buckets on crc32(flagKey + entityId), and the state after the flag key is
// computed once per rule set.

// Slicing-by-4 tables: T0 is the classic byte table; Tk advances a byte through k more zero bytes.
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  T0[n] = c;
}
for (let n = 0; n < 256; n++) {
  const t0 = T0[n] as number;
  const t1 = (t0 >>> 8) ^ (T0[t0 & 0xff] as number);
  const t2 = (t1 >>> 8) ^ (T0[t1 & 0xff] as number);
  T1[n] = t1;
  T2[n] = t2;
  T3[n] = (t2 >>> 8) ^ (T0[t2 & 0xff] as number);
}

/** The register before any byte (CRC-32 starts from all ones). */
export const CRC32_INIT = -1;

function updateByte(crc: number, byte: number): number {
  return (T0[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
}

/** Continues the register `crc` over the UTF-8 encoding of `s` (lone surrogates as U+FFFD, as gRPC sends them). */
export function crc32Update(crc: number, s: string): number {
  const length = s.length;
  let i = 0;
  // Four ASCII characters (= four bytes) per step while the text is ASCII.
  for (; i + 4 <= length; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    if ((a | b | c | d) >= 0x80) break;
    crc ^= a | (b << 8) | (c << 16) | (d << 24);
    crc =
      (T3[crc & 0xff] as number) ^
      (T2[(crc >>> 8) & 0xff] as number) ^
      (T1[(crc >>> 16) & 0xff] as number) ^
      (T0[crc >>> 24] as number);
  }
  for (; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) crc = (T0[(crc ^ c) & 0xff] as number) ^ (crc >>> 8);
    else if (c < 0x800) crc = updateByte(updateByte(crc, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      crc = updateCodePoint4(crc, 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00));
    } else {
      const cp = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
      crc = updateByte(
        updateByte(updateByte(crc, 0xe0 | (cp >> 12)), 0x80 | ((cp >> 6) & 0x3f)),
        0x80 | (cp & 0x3f),
      );
    }
  }
  return crc;
}

function updateCodePoint4(crc: number, cp: number): number {
  crc = updateByte(crc, 0xf0 | (cp >> 18));
  crc = updateByte(crc, 0x80 | ((cp >> 12) & 0x3f));
  crc = updateByte(crc, 0x80 | ((cp >> 6) & 0x3f));
  return updateByte(crc, 0x80 | (cp & 0x3f));
}

/** The unsigned CRC-32 value of a register. */
export function crc32Final(crc: number): number {
  return ~crc >>> 0;
}

/** Unsigned CRC-32/IEEE of the UTF-8 bytes of `s`. */
export function crc32(s: string): number {
  return crc32Final(crc32Update(CRC32_INIT, s));
}
