import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/processes.ts';
import { DaemonProcess } from './daemon-process.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('DaemonProcess', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensign-daemon-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops the whole process group, including children the component started', async () => {
    const log = join(dir, 'group.log');
    const daemon = new DaemonProcess('group', 'bash', ['-c', 'sleep 300 & echo "child $!"; wait'], log);
    const childPid = await waitFor('the child pid', () => {
      const match = /child (\d+)/.exec(daemon.tail());
      return match === null ? undefined : Number(match[1]);
    });
    expect(alive(childPid)).toBe(true);
    await daemon.stop(5_000);
    expect(daemon.running).toBe(false);
    await waitFor('the child to exit', () => (alive(childPid) ? undefined : true));
  });

  it('kills a component that ignores SIGTERM once the grace period is over', async () => {
    const daemon = new DaemonProcess(
      'stubborn',
      'bash',
      ['-c', 'trap "" TERM; echo up; while true; do sleep 0.1; done'],
      join(dir, 'stubborn.log'),
    );
    await waitFor('the trap', () => (daemon.tail().includes('up') ? true : undefined));
    const started = Date.now();
    await daemon.stop(300);
    expect(daemon.running).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('keeps the output in its log file for error messages', async () => {
    const daemon = new DaemonProcess('echo', 'bash', ['-c', 'echo one; echo two >&2'], join(dir, 'echo.log'));
    await waitFor('exit', () => (daemon.running ? undefined : true));
    expect(daemon.tail().split('\n').sort()).toEqual(['one', 'two']);
  });
});
