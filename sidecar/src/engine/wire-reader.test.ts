import { BinaryReader, BinaryWriter, WireType as Wt } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { WireReader, decodeUtf8, lengthDelimitedTag } from './wire-reader.ts';

function written(write: (w: BinaryWriter) => void): Uint8Array {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
}

describe('WireReader', () => {
  it('reads varints as protobuf-es does: uint32, negative int32 in ten bytes, bool of any width', () => {
    const values = [0, 1, 127, 128, 300, 16_384, 2 ** 28, 2 ** 31 - 1, -1, -(2 ** 31), -300];
    const bytes = written((w) => {
      for (const v of values) w.int32(v);
      w.uint64(2n ** 40n + 5n);
      w.bool(true);
      w.uint64(2n ** 63n);
    });
    const ours = new WireReader(bytes);
    const theirs = new BinaryReader(bytes);
    for (const _ of values) expect(ours.int32(bytes.length)).toBe(theirs.int32());
    expect(ours.uint32(bytes.length)).toBe(theirs.uint32());
    expect(ours.bool(bytes.length)).toBe(true);
    expect(ours.bool(bytes.length)).toBe(true);
    expect(ours.pos).toBe(bytes.length);
  });

  it('reads float32 little-endian', () => {
    const bytes = written((w) => w.float(33.33).float(-0.5));
    const reader = new WireReader(bytes);
    expect(reader.float(bytes.length)).toBe(Math.fround(33.33));
    expect(reader.float(bytes.length)).toBe(-0.5);
  });

  it('decodes strings exactly as protobuf-es: ASCII, UTF-8, invalid bytes as U+FFFD, a leading BOM kept', () => {
    const samples: Uint8Array[] = [
      new TextEncoder().encode('plain-ascii-key'),
      new TextEncoder().encode('a-much-longer-ascii-key-that-passes-the-short-path'),
      new TextEncoder().encode('ünïcødé 用户 😀'),
      new TextEncoder().encode('\uFEFFbom'),
      Uint8Array.of(0x61, 0xff, 0x62, 0xc3),
      Uint8Array.of(0xed, 0xa0, 0x80),
      new Uint8Array(0),
    ];
    for (const sample of samples) {
      const bytes = written((w) => w.bytes(sample));
      expect(new WireReader(bytes).string(bytes.length)).toBe(new BinaryReader(bytes).string());
      expect(decodeUtf8(sample, 0, sample.length)).toBe(new BinaryReader(bytes).string());
    }
  });

  it('skips every wire type, groups included, and stops exactly after the value', () => {
    const bytes = written((w) => {
      w.tag(1, Wt.Varint).int64(-5n);
      w.tag(2, Wt.Bit64).double(1.5);
      w.tag(3, Wt.Bit32).float(2.5);
      w.tag(4, Wt.LengthDelimited).string('skipped');
      w.tag(5, Wt.StartGroup).tag(1, Wt.Varint).int32(7).tag(5, Wt.EndGroup);
      w.tag(6, Wt.LengthDelimited).string('kept');
    });
    const reader = new WireReader(bytes);
    const limit = bytes.length;
    for (let field = 1; field <= 5; field++) reader.skip(reader.tag(limit), limit);
    expect(reader.tag(limit)).toBe(lengthDelimitedTag(6));
    expect(reader.string(limit)).toBe('kept');
  });

  it('throws instead of reading past the enclosing message', () => {
    const bytes = written((w) => w.tag(1, Wt.LengthDelimited).string('twelve bytes'));
    const reader = new WireReader(bytes);
    const tag = reader.tag(bytes.length);
    expect(() => reader.string(5)).toThrow('premature end of message');
    expect(() => {
      new WireReader(bytes.subarray(0, 4)).skip(tag, 4);
    }).toThrow();
    expect(() => new WireReader(Uint8Array.of(0xff, 0xff)).uint32(2)).toThrow('premature end of message');
    expect(() => new WireReader(new Uint8Array(11).fill(0xff)).uint32(11)).toThrow('invalid varint');
  });

  it('refuses tags that cannot start a field: field 0, a stray END_GROUP, wire types 6 and 7', () => {
    expect(() => new WireReader(Uint8Array.of(0x00)).tag(1)).toThrow('invalid tag');
    expect(() => new WireReader(Uint8Array.of(0x0c)).tag(1)).toThrow('invalid tag');
    const reader = new WireReader(Uint8Array.of(0x0e));
    expect(() => {
      reader.skip(reader.tag(1), 1);
    }).toThrow('cannot skip wire type 6');
  });

  it('lets go of its bytes when reset to empty', () => {
    const reader = new WireReader(Uint8Array.of(1, 2, 3));
    reader.pos = 2;
    reader.reset(new Uint8Array(0));
    expect(reader.buf.length).toBe(0);
    expect(reader.pos).toBe(0);
  });
});
