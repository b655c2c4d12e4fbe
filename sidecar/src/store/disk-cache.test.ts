import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { computeRevision } from '@ensign/core/revision.ts';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { DiskCache } from './disk-cache.ts';
import { ruleSetBytes } from './rule-set-bytes.ts';

function hashed(namespace: string, flagKey = 'a'): RuleSet {
  const draft = RuleSet.fromPartial({ namespace, flags: [{ key: flagKey, enabled: true }] });
  return { ...draft, revision: computeRevision(draft) };
}

async function cache() {
  const dir = await mkdtemp(join(tmpdir(), 'ensign-disk-'));
  const warnings: string[] = [];
  return { dir, warnings, disk: new DiskCache(dir, { warn: (_obj, msg) => warnings.push(msg) }) };
}

describe('DiskCache', () => {
  it('saves a decoded rule set as its encoding and loads it back', async () => {
    const { dir, disk } = await cache();
    const saved = hashed('shop');
    await disk.save(saved);
    expect(new Uint8Array(await readFile(join(dir, 'shop.ruleset.pb')))).toEqual(ruleSetBytes(saved));
    expect(await disk.load('shop')).toEqual(saved);
  });

  it('saves wire bytes as they are, under the namespace they name', async () => {
    const { dir, disk } = await cache();
    const wire = RuleSet.encode(hashed('catalog')).finish();
    await disk.save(wire);
    expect(new Uint8Array(await readFile(join(dir, 'catalog.ruleset.pb')))).toEqual(wire);
    expect((await disk.load('catalog'))?.revision).toBe(hashed('catalog').revision);
  });

  it('hands the file’s own bytes to the store when they are the hashed encoding', async () => {
    const { disk } = await cache();
    await disk.save(hashed('shop'));
    const loaded = await disk.load('shop');
    expect(loaded).toBeDefined();
    // The bytes read from the file (a Buffer), not a fresh encoding (a plain Uint8Array).
    expect(Buffer.isBuffer(ruleSetBytes(loaded as RuleSet))).toBe(true);
  });

  it('accepts a valid copy in another field order, checking its revision on the decoded content', async () => {
    const { dir, disk } = await cache();
    const rs = hashed('shop');
    const reordered = new BinaryWriter();
    reordered.uint32(18).string(rs.revision);
    reordered.raw(RuleSet.encode({ ...rs, namespace: '', revision: '' }).finish());
    reordered.uint32(10).string('shop');
    await writeFile(join(dir, 'shop.ruleset.pb'), reordered.finish());
    const loaded = await disk.load('shop');
    expect(loaded).toEqual(rs);
    expect(Buffer.isBuffer(ruleSetBytes(loaded as RuleSet))).toBe(false);
  });

  it('ignores a missing file, a corrupt one, another namespace’s, and one whose content does not match its revision', async () => {
    const { dir, disk, warnings } = await cache();
    expect(await disk.load('none')).toBeUndefined();
    await writeFile(join(dir, 'corrupt.ruleset.pb'), Uint8Array.of(0x0a, 0x50, 0x61));
    expect(await disk.load('corrupt')).toBeUndefined();
    await writeFile(join(dir, 'moved.ruleset.pb'), RuleSet.encode(hashed('shop')).finish());
    expect(await disk.load('moved')).toBeUndefined();
    await writeFile(
      join(dir, 'tampered.ruleset.pb'),
      RuleSet.encode({ ...hashed('tampered', 'b'), revision: hashed('tampered').revision }).finish(),
    );
    expect(await disk.load('tampered')).toBeUndefined();
    expect(warnings).toEqual([
      'ignoring corrupt saved rule set',
      'ignoring corrupt saved rule set',
      'ignoring corrupt saved rule set',
    ]);
  });
});
