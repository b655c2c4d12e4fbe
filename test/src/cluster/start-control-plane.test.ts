// Private control planes (not the shared one): start-up, and that nothing survives stop() or a
// failed start. Each costs one start (~5 s here).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processesMentioning } from './reap-orphaned-control-planes.ts';
import { startControlPlane } from './start-control-plane.ts';

describe('startControlPlane', () => {
  it('starts etcd and kube-apiserver, and stop() leaves no process and no directory behind', async () => {
    const started = Date.now();
    const plane = await startControlPlane();
    const startMs = Date.now() - started;
    try {
      expect(plane.provider).toBe('local');
      expect(plane.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(processesMentioning(plane.workDir)).toHaveLength(2);
      const r = await plane.kubectl(['get', 'namespace', 'default', '-o', 'jsonpath={.status.phase}']);
      expect(r.stdout).toBe('Active');
      process.stderr.write(`[control plane] private start took ${startMs} ms\n`);
    } finally {
      await plane.stop();
    }
    expect(processesMentioning(plane.workDir)).toEqual([]);
    expect(existsSync(plane.workDir)).toBe(false);
  });

  it('fails with the API server log and cleans up when kube-apiserver cannot start', async () => {
    const error = await startControlPlane({ apiServerArgs: ['--no-such-flag'], startTimeoutMs: 30_000 }).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    expect(error?.message).toMatch(/kube-apiserver exited[\s\S]*unknown flag: --no-such-flag/);
    const workDir = /log \((.+)\/kube-apiserver\.log\)/.exec(error?.message ?? '')?.[1];
    expect(workDir).toBeDefined();
    // etcd had started; it must be gone with the directory.
    expect(processesMentioning(workDir ?? '')).toEqual([]);
    expect(existsSync(workDir ?? '')).toBe(false);
  });
});
