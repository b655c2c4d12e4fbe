// Control planes whose owner died without running any exit hook (SIGKILL, OOM, a closed
// terminal) leave etcd and kube-apiserver running in their own process groups. The next start
// finds them by their work directory, which every one of their command lines names, and removes them.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const WORK_DIR_PREFIX = 'ensign-control-plane-';
const OWNER_FILE = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of processes whose command line contains `text` (Linux /proc; empty elsewhere). */
export function processesMentioning(text: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(join('/proc', entry, 'cmdline'), 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export function claimWorkDir(workDir: string): void {
  writeFileSync(join(workDir, OWNER_FILE), `${process.pid}\n`);
}

/** Kills and removes planes under `base` whose owning process is gone; returns their directories. */
export function reapOrphanedControlPlanes(base: string): string[] {
  const reaped: string[] = [];
  for (const name of readdirSync(base)) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = join(base, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue; // being created right now, or not ours to judge
    }
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    for (const pid of processesMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
