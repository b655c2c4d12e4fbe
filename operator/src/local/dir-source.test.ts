import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirSource, listManifestFiles, type DirSnapshot, type Timers } from './dir-source.ts';
import type { LocalLogger } from './local-logger.ts';

const flagYaml = (
  name: string,
  namespace = 'shop',
  description = 'd',
): string => `apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  type: Boolean
  enabled: true
  description: ${description}
`;

const segmentYaml = (name: string, namespace = 'shop'): string => `apiVersion: ensign.dev/v1alpha1
kind: Segment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  matchType: All
`;

interface LogEntry {
  level: string;
  obj: object;
  msg: string;
}

function recordingLogger(): LocalLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Collects snapshots and waits for one that satisfies a condition. */
class Snapshots {
  readonly all: DirSnapshot[] = [];
  #waiters: { test: (s: DirSnapshot) => boolean; resolve: (s: DirSnapshot) => void }[] = [];

  readonly push = (snapshot: DirSnapshot): void => {
    this.all.push(snapshot);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(snapshot)) return true;
      w.resolve(snapshot);
      return false;
    });
  };

  get latest(): DirSnapshot {
    const last = this.all.at(-1);
    if (last === undefined) throw new Error('no snapshot yet');
    return last;
  }

  next(test: (s: DirSnapshot) => boolean, timeoutMs = 5000): Promise<DirSnapshot> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching snapshot within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push({
        test,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  }
}

function names(snapshot: DirSnapshot, namespace = 'shop'): string[] {
  const objects = snapshot.namespaces.get(namespace);
  if (objects === undefined) return [];
  return [...objects.flags, ...objects.segments].map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

function descriptionOf(snapshot: DirSnapshot, flag: string): string | undefined {
  return snapshot.namespaces.get('shop')?.flags.find((f) => f.metadata.name === flag)?.spec.description;
}

let root: string;
let sources: DirSource[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ensign-dir-source-'));
  sources = [];
});

afterEach(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

async function startSource(options: { timers?: Timers; debounceMs?: number } = {}) {
  const snapshots = new Snapshots();
  const logger = recordingLogger();
  const source = new DirSource({ root, onSnapshot: snapshots.push, logger, debounceMs: 20, ...options });
  sources.push(source);
  await source.start();
  return { snapshots, logger, source };
}

describe('listManifestFiles', () => {
  it('finds *.yaml and *.yml at any depth, skipping dot-directories, dot-files and node_modules', async () => {
    await mkdir(join(root, 'a/b'), { recursive: true });
    await mkdir(join(root, '.git'), { recursive: true });
    await mkdir(join(root, 'node_modules/x'), { recursive: true });
    for (const file of [
      'top.yaml',
      'a/one.yml',
      'a/b/two.yaml',
      'a/notes.txt',
      'a/data.json',
      '.hidden.yaml',
    ]) {
      await writeFile(join(root, file), '');
    }
    await writeFile(join(root, '.git/config.yaml'), '');
    await writeFile(join(root, 'node_modules/x/package.yaml'), '');
    await symlink(join(root, 'a/b/two.yaml'), join(root, 'linked.yaml'));
    await symlink(join(root, 'a'), join(root, 'linked-dir'));
    expect(await listManifestFiles(root, recordingLogger())).toEqual([
      'a/b/two.yaml',
      'a/one.yml',
      'linked.yaml',
      'top.yaml',
    ]);
  });
});

describe('DirSource', () => {
  it('delivers every object of every file in the first snapshot', async () => {
    await mkdir(join(root, 'nested/deeper'), { recursive: true });
    await writeFile(join(root, 'shop.yaml'), `${flagYaml('a')}---\n${segmentYaml('beta')}`);
    await writeFile(join(root, 'nested/deeper/more.yml'), `${flagYaml('b')}---\n${flagYaml('c', 'default')}`);
    await writeFile(join(root, 'nested/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    const { snapshots, logger } = await startSource();
    expect(snapshots.all).toHaveLength(1);
    expect([...snapshots.latest.namespaces.keys()]).toEqual(['default', 'shop']);
    expect(names(snapshots.latest)).toEqual(['Flag/a', 'Flag/b', 'Segment/beta']);
    expect(names(snapshots.latest, 'default')).toEqual(['Flag/c']);
    expect(snapshots.latest.errors).toEqual([]);
    const debug = logger.entries.filter((e) => e.level === 'debug');
    expect(debug.map((e) => e.obj)).toEqual([
      { file: 'nested/cm.yaml', document: 1, apiVersion: 'v1', kind: 'ConfigMap', name: 'x' },
    ]);
  });

  it('delivers an empty snapshot for an empty directory', async () => {
    const { snapshots } = await startSource();
    expect(snapshots.all).toHaveLength(1);
    expect(snapshots.latest.namespaces.size).toBe(0);
  });

  it('fails to start on a missing directory', async () => {
    const source = new DirSource({
      root: join(root, 'missing'),
      onSnapshot: () => undefined,
      logger: recordingLogger(),
    });
    await expect(source.start()).rejects.toThrow(/ENOENT/);
  });

  it('keeps the last good content of a file that becomes invalid, reports where, and recovers on a fix', async () => {
    const file = join(root, 'flags.yaml');
    await writeFile(file, `${flagYaml('a', 'shop', 'first')}---\n${flagYaml('b')}`);
    const { snapshots } = await startSource();

    const broken = `${flagYaml('a', 'shop', 'second')}---\n${flagYaml('b').replace('type: Boolean', 'type: Sometimes')}`;
    await writeFile(file, broken);
    const invalid = await snapshots.next((s) => s.errors.length > 0);
    expect(names(invalid)).toEqual(['Flag/a', 'Flag/b']);
    expect(descriptionOf(invalid, 'a')).toBe('first');
    const typeError = invalid.errors.find((e) => e.path === 'spec.type');
    expect(typeError).toMatchObject({ file: 'flags.yaml', document: 2, line: 17 });
    expect(invalid.errors.every((e) => e.file === 'flags.yaml' && e.document === 2)).toBe(true);

    await writeFile(file, flagYaml('a', 'shop', 'third'));
    const fixed = await snapshots.next((s) => s.errors.length === 0);
    expect(names(fixed)).toEqual(['Flag/a']);
    expect(descriptionOf(fixed, 'a')).toBe('third');
  });

  it('reports a file that never parsed and takes nothing from it', async () => {
    await writeFile(join(root, 'good.yaml'), flagYaml('a'));
    await writeFile(join(root, 'bad.yaml'), `${flagYaml('b')}---\nkind: Flag\nmetadata: [\n`);
    const { snapshots } = await startSource();
    expect(names(snapshots.latest)).toEqual(['Flag/a']);
    expect(snapshots.latest.errors).toEqual([
      expect.objectContaining({ file: 'bad.yaml', document: 2, path: '' }),
    ]);
  });

  it('removes the objects of a deleted file', async () => {
    await writeFile(join(root, 'a.yaml'), flagYaml('a'));
    await writeFile(join(root, 'b.yaml'), flagYaml('b'));
    const { snapshots } = await startSource();
    await rm(join(root, 'b.yaml'));
    const after = await snapshots.next((s) => names(s).length === 1);
    expect(names(after)).toEqual(['Flag/a']);
  });

  it('forgets the errors of a deleted invalid file', async () => {
    await writeFile(join(root, 'bad.yaml'), 'kind: Flag\n');
    const { snapshots } = await startSource();
    expect(snapshots.latest.errors).toHaveLength(1);
    await rm(join(root, 'bad.yaml'));
    const after = await snapshots.next((s) => s.errors.length === 0);
    expect(after.namespaces.size).toBe(0);
  });

  it('follows renames: into a new directory, and out of the *.yaml pattern', async () => {
    await writeFile(join(root, 'a.yaml'), flagYaml('a'));
    const { snapshots } = await startSource();
    await mkdir(join(root, 'moved'));
    await rename(join(root, 'a.yaml'), join(root, 'moved/renamed.yml'));
    await writeFile(join(root, 'moved/new.yaml'), flagYaml('n'));
    const moved = await snapshots.next((s) => names(s).length === 2);
    expect(names(moved)).toEqual(['Flag/a', 'Flag/n']);
    await rename(join(root, 'moved/renamed.yml'), join(root, 'moved/renamed.yml.bak'));
    const gone = await snapshots.next((s) => names(s).length === 1);
    expect(names(gone)).toEqual(['Flag/n']);
  });

  it('reports the same object defined in two files, keeping the first file', async () => {
    await writeFile(join(root, 'a.yaml'), flagYaml('dup', 'shop', 'from-a'));
    await writeFile(join(root, 'b.yaml'), flagYaml('dup', 'shop', 'from-b'));
    const { snapshots } = await startSource();
    expect(descriptionOf(snapshots.latest, 'dup')).toBe('from-a');
    expect(snapshots.latest.errors).toMatchObject([{ file: 'b.yaml', path: 'metadata.name' }]);
    expect(snapshots.latest.errors[0]?.message).toContain('also defined in a.yaml');
  });

  it('does not deliver a snapshot when a file is touched without a change', async () => {
    await writeFile(join(root, 'a.yaml'), flagYaml('a'));
    const { snapshots } = await startSource();
    await writeFile(join(root, 'a.yaml'), flagYaml('a'));
    await writeFile(join(root, 'b.yaml'), flagYaml('b'));
    await snapshots.next((s) => names(s).length === 2);
    expect(snapshots.all).toHaveLength(2);
  });

  it('waits for the debounce after the last event and turns a burst of writes into one snapshot', async () => {
    const pending: { callback: () => void; ms: number; cleared: boolean }[] = [];
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        const timer = { callback, ms, cleared: false };
        pending.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
    };
    const { snapshots } = await startSource({ timers, debounceMs: 50 });
    for (let i = 0; i < 5; i++) await writeFile(join(root, `f${i}.yaml`), flagYaml(`f${i}`));
    // Wait for the file-system events to arrive; no snapshot may come before the timer fires.
    await expect.poll(() => pending.length, { timeout: 5000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(snapshots.all).toHaveLength(1);
    const live = pending.filter((t) => !t.cleared);
    expect(live).toHaveLength(1);
    expect(pending.every((t) => t.ms === 50)).toBe(true);
    live[0]?.callback();
    const after = await snapshots.next((s) => names(s).length === 5);
    expect(names(after)).toHaveLength(5);
    expect(snapshots.all).toHaveLength(2);
  });

  it('sees a change within a few debounce periods with real timers', async () => {
    await writeFile(join(root, 'a.yaml'), flagYaml('a', 'shop', 'before'));
    const { snapshots } = await startSource();
    const started = performance.now();
    await writeFile(join(root, 'a.yaml'), flagYaml('a', 'shop', 'after'));
    await snapshots.next((s) => descriptionOf(s, 'a') === 'after', 2000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops delivering snapshots after close', async () => {
    const { snapshots, source } = await startSource();
    await source.close();
    await writeFile(join(root, 'a.yaml'), flagYaml('a'));
    await new Promise((r) => setTimeout(r, 150));
    expect(snapshots.all).toHaveLength(1);
  });
});
