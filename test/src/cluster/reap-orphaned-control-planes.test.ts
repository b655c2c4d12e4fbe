import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/processes.ts';
import {
  WORK_DIR_PREFIX,
  processesMentioning,
  reapOrphanedControlPlanes,
} from './reap-orphaned-control-planes.ts';

/** A process that names `dir` on its command line, like etcd and kube-apiserver do. */
function componentIn(dir: string): number {
  const child = spawn(
    process.execPath,
    ['-e', 'setTimeout(() => {}, 300_000)', '--', `--data-dir=${dir}/etcd`],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  child.unref();
  return child.pid ?? 0;
}

describe('reapOrphanedControlPlanes', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ensign-reaper-test-'));
  });
  afterAll(async () => {
    for (const pid of processesMentioning(base)) process.kill(pid, 'SIGKILL');
    await rm(base, { recursive: true, force: true });
  });

  it('kills the components of a plane whose owner died and removes its directory', async () => {
    const dir = join(base, `${WORK_DIR_PREFIX}orphan`);
    await mkdir(dir);
    const deadOwner = spawnSync('true').pid;
    await writeFile(join(dir, 'owner.pid'), `${deadOwner}\n`);
    const pid = componentIn(dir);
    await waitFor('the component', () => (processesMentioning(dir).includes(pid) ? true : undefined));

    expect(reapOrphanedControlPlanes(base)).toEqual([dir]);
    expect(existsSync(dir)).toBe(false);
    await waitFor('the component to die', () => (processesMentioning(dir).length === 0 ? true : undefined));
  });

  it('leaves planes alone whose owner is alive, or that have no owner yet', async () => {
    const owned = join(base, `${WORK_DIR_PREFIX}owned`);
    const starting = join(base, `${WORK_DIR_PREFIX}starting`);
    await mkdir(owned);
    await mkdir(starting);
    await writeFile(join(owned, 'owner.pid'), `${process.pid}\n`);
    const pid = componentIn(owned);
    await waitFor('the component', () => (processesMentioning(owned).includes(pid) ? true : undefined));

    expect(reapOrphanedControlPlanes(base)).toEqual([]);
    expect(existsSync(owned) && existsSync(starting)).toBe(true);
    expect(processesMentioning(owned)).toEqual([pid]);
  });
});
