// A minimal protobuf wire cursor for walking a RuleSet's bytes without building ts-proto objects.
// Values read exactly as @bufbuild/protobuf's BinaryReader (what ts-proto's decoders use) reads
// them — varints keep their low 32 bits, int32 is `uint32 | 0`, strings are UTF-8 with U+FFFD
// for invalid sequences and a leading U+FEFF kept — but every length is checked against the
// enclosing message, so malformed bytes throw instead of being read past their message.

/** Protobuf wire types. */
export const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  FIXED32: 5,
} as const;

/** `(field << 3) | wireType` of a length-delimited field (a string, bytes or a message). */
export function lengthDelimitedTag(field: number): number {
  return (field << 3) | WireType.LENGTH_DELIMITED;
}

/** The tag of a varint field (an enum, a bool, an int). */
export function varintTag(field: number): number {
  return (field << 3) | WireType.VARINT;
}

/** The tag of a 32-bit fixed field (a float). */
export function fixed32Tag(field: number): number {
  return (field << 3) | WireType.FIXED32;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const MAX_GROUP_DEPTH = 100;

const NO_BYTES = new Uint8Array(0);

export class WireReader {
  buf: Uint8Array = NO_BYTES;
  #view: DataView = new DataView(NO_BYTES.buffer);
  pos = 0;

  constructor(buf: Uint8Array = NO_BYTES) {
    this.reset(buf);
  }

  /** Reads `buf` from its start (a reader is reused across rule sets; reset to empty to let go of one). */
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
  }

  /** A varint's low 32 bits, unsigned (protobuf-es `uint32()`); throws past `limit`. */
  uint32(limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++] ?? 0;
    let result = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++] ?? 0;
      result |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++] ?? 0;
        result |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[pos++] ?? 0;
          result |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            b = buf[pos++] ?? 0;
            result = (result | ((b & 0x0f) << 28)) >>> 0;
            for (let read = 5; b >= 0x80 && read < 10; read++) b = buf[pos++] ?? 0;
            if (b >= 0x80) throw new Error('invalid varint');
          }
        }
      }
    }
    if (pos > limit) throw new Error('premature end of message');
    this.pos = pos;
    return result;
  }

  /** The next tag, or throws on a tag that ends or cannot start a field (0, END_GROUP). */
  tag(limit: number): number {
    const tag = this.uint32(limit);
    if (tag >>> 3 === 0 || (tag & 7) === WireType.END_GROUP) {
      throw new Error(`invalid tag ${tag} at offset ${this.pos}`);
    }
    return tag;
  }

  int32(limit: number): number {
    return this.uint32(limit) | 0;
  }

  bool(limit: number): boolean {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++] ?? 0;
    let any = b & 0x7f;
    for (let read = 1; b >= 0x80 && read < 10; read++) {
      b = buf[pos++] ?? 0;
      any |= b & 0x7f;
    }
    if (b >= 0x80) throw new Error('invalid varint');
    if (pos > limit) throw new Error('premature end of message');
    this.pos = pos;
    return any !== 0;
  }

  float(limit: number): number {
    const pos = this.pos;
    if (pos + 4 > limit) throw new Error('premature end of message');
    this.pos = pos + 4;
    return this.#view.getFloat32(pos, true);
  }

  /** Reads a length prefix; returns where the field's bytes end (they start at `pos`). */
  lengthEnd(limit: number): number {
    const length = this.uint32(limit);
    const end = this.pos + length;
    if (end > limit) throw new Error('premature end of message');
    return end;
  }

  /** The UTF-8 text from `pos` to `end`; leaves `pos` at `end`. */
  stringTo(end: number): string {
    const text = decodeUtf8(this.buf, this.pos, end);
    this.pos = end;
    return text;
  }

  /** A length-delimited string field's value. */
  string(limit: number): string {
    return this.stringTo(this.lengthEnd(limit));
  }

  /** Skips the value of a field read with `tag` (an unknown field, or a known one of another wire type). */
  skip(tag: number, limit: number, depth = 0): void {
    switch (tag & 7) {
      case WireType.VARINT:
        this.bool(limit);
        return;
      case WireType.FIXED64:
        this.#advance(8, limit);
        return;
      case WireType.FIXED32:
        this.#advance(4, limit);
        return;
      case WireType.LENGTH_DELIMITED:
        this.pos = this.lengthEnd(limit);
        return;
      case WireType.START_GROUP:
        this.#skipGroup(tag >>> 3, limit, depth);
        return;
      default:
        throw new Error(`cannot skip wire type ${tag & 7}`);
    }
  }

  #advance(bytes: number, limit: number): void {
    if (this.pos + bytes > limit) throw new Error('premature end of message');
    this.pos += bytes;
  }

  #skipGroup(field: number, limit: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) throw new Error('maximum recursion depth reached');
    for (;;) {
      const tag = this.uint32(limit);
      if ((tag & 7) === WireType.END_GROUP) {
        if (tag >>> 3 !== field) throw new Error('invalid end group tag');
        return;
      }
      if (tag >>> 3 === 0) throw new Error(`invalid tag ${tag} at offset ${this.pos}`);
      this.skip(tag, limit, depth + 1);
    }
  }
}

/**
 * UTF-8 bytes to text as protobuf-es decodes them: ASCII directly (short keys are most of a rule
 * set), anything else through TextDecoder with U+FFFD replacement and the BOM kept.
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 12) {
    // Short concatenations make flat strings in V8, so this allocates only the result.
    let text = '';
    for (let i = start; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 0x80) return utf8.decode(buf.subarray(start, end));
      text += String.fromCharCode(b);
    }
    return text;
  }
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return utf8.decode(buf.subarray(start, end));
  }
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}
