// The sidecar never depends on the operator being up: it answers through operator restarts and
// starts from its on-disk copy when the operator is unreachable.
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EnsignProcess,
  sidecarPorts,
  spawnSidecar,
  startOperator,
  tempDir,
  waitFor,
  waitForReady,
} from './harness/processes.ts';
import { booleanOf, variantOf } from './harness/rest.ts';
import { startLocalSystem } from './harness/system.ts';
import type { LocalSystem } from './harness/system.ts';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function track<T extends { stop(): Promise<unknown> }>(p: T): T {
  running.push(p);
  return p;
}

describe('restarts', () => {
  it('a sidecar restarted while the operator is down serves its last good rule sets from disk', async () => {
    const system: LocalSystem = track(await startLocalSystem());
    const before = await variantOf(system.httpUrl, 'checkout-button', { plan: 'beta' });
    await system.sidecar.stop();
    await system.operator.stop();

    const sidecar = track(
      spawnSidecar(system.operatorPorts.sync, system.sidecarPorts, system.stateDir, [
        '--namespaces=default,shop',
      ]),
    );
    await waitForReady(sidecar, system.sidecarPorts.ops);
    const after = await variantOf(system.httpUrl, 'checkout-button', { plan: 'beta' });
    expect(after.body).toMatchObject({ variantKey: before.body.variantKey, match: true });
    expect(sidecar.logs().filter((l) => l.msg === 'serving last good rule set from disk')).toHaveLength(2);
  });

  it('a sidecar with nothing on disk is not ready until the operator delivers every namespace', async () => {
    const ports = await sidecarPorts();
    const stateDir = await tempDir('empty-state');
    const flags = await tempDir('flags-late');
    await writeFile(
      join(flags, 'f.yaml'),
      'apiVersion: ensign.dev/v1alpha1\nkind: Flag\nmetadata:\n  name: late\n  namespace: team-a\nspec:\n  type: Boolean\n  enabled: true\n',
    );
    const operatorPort = (await sidecarPorts()).grpc;
    const sidecar = track(spawnSidecar(operatorPort, ports, stateDir, ['--namespaces=team-a']));
    const notReady = await waitFor('readyz answers', async () => {
      const res = await fetch(`http://127.0.0.1:${ports.ops}/readyz`);
      return res.status === 503 ? ((await res.json()) as { reason: string }) : undefined;
    });
    expect(notReady.reason).toContain('default, team-a');

    track((await startOperator(flags, { sync: operatorPort, ops: (await sidecarPorts()).ops })).proc);
    await waitForReady(sidecar, ports.ops);
    expect((await booleanOf(`http://127.0.0.1:${ports.http}`, 'late', {}, 'team-a')).body.enabled).toBe(true);
  });

  it('answers every evaluation while the operator restarts, then follows new edits', async () => {
    const system: LocalSystem = track(await startLocalSystem());
    let failures = 0;
    let answered = 0;
    const control = { stop: false };
    const load = (async () => {
      while (!control.stop) {
        const res = await booleanOf(system.httpUrl, 'payments-enabled');
        // The answer flips to false at the end (the edit); any non-200 is a failed evaluation.
        if (res.status === 200) answered++;
        else failures++;
      }
    })();
    await system.operator.stop();
    await new Promise((r) => setTimeout(r, 300));
    const restarted = new EnsignProcess('operator', system.operator.child.spawnargs.slice(1));
    system.operator = restarted;
    await waitForReady(restarted, system.operatorPorts.ops);
    await waitFor('sidecar reconnected', () =>
      system.sidecar.logs().filter((l) => l.msg === 'sync state' && l.state === 'connected').length >= 2
        ? true
        : undefined,
    );
    const flagsFile = join(system.flagsDir, 'default/flags.yaml');
    const text = await readFile(flagsFile, 'utf8');
    await writeFile(
      flagsFile,
      text.replace('enabled: true\n  description: Turn off', 'enabled: false\n  description: Turn off'),
    );
    await waitFor('edit after restart applied', async () =>
      (await booleanOf(system.httpUrl, 'payments-enabled')).body.enabled ? undefined : true,
    );
    control.stop = true;
    await load;
    expect(failures).toBe(0);
    expect(answered).toBeGreaterThan(10);
  });
});
