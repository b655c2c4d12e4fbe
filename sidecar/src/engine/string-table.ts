// Strings that repeat across the flags of a rule set (variant keys, attachments, segment keys) are
// decoded once and shared: a rule set of 5,000 flags with the same four variant keys holds four
// strings, not 20,000. Looked up by a hash of the bytes and checked byte by byte, so a hit
// allocates nothing; non-ASCII text is decoded afresh each time (correct, just not shared).

import { decodeUtf8 } from './wire-reader.ts';

const MAX_INTERNED_LENGTH = 64;

export class StringTable {
  readonly #byHash = new Map<number, string>();

  clear(): void {
    this.#byHash.clear();
  }

  /** The text of `buf[start, end)`, shared with earlier equal text when it is short ASCII. */
  text(buf: Uint8Array, start: number, end: number): string {
    const length = end - start;
    if (length === 0) return '';
    if (length > MAX_INTERNED_LENGTH) return decodeUtf8(buf, start, end);
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
    const known = this.#byHash.get(hash);
    if (known !== undefined && sameAscii(known, buf, start, end)) return known;
    const text = decodeUtf8(buf, start, end);
    this.#byHash.set(hash, text);
    return text;
  }
}

// Bytes ≥ 0x80 never equal a char code of the same position in decoded ASCII text, so a non-ASCII
// candidate is simply never a hit.
function sameAscii(text: string, buf: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 0x80 || text.charCodeAt(i - start) !== b) return false;
  }
  return true;
}
