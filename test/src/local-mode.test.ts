// Local mode end to end: YAML files edited on disk → operator → sync stream → sidecar answers.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './harness/processes.ts';
import { booleanOf, variantOf } from './harness/rest.ts';
import { startLocalSystem } from './harness/system.ts';
import type { LocalSystem } from './harness/system.ts';

let system: LocalSystem;
let flagsFile: string;
let original: string;

beforeAll(async () => {
  system = await startLocalSystem();
  flagsFile = join(system.flagsDir, 'default/flags.yaml');
  original = await readFile(flagsFile, 'utf8');
});

afterAll(async () => {
  await system.stop();
});

async function restoreFlags(): Promise<void> {
  await writeFile(flagsFile, original);
  await waitFor('payments-enabled restored', async () =>
    (await booleanOf(system.httpUrl, 'payments-enabled')).body.enabled ? true : undefined,
  );
}

function operatorLogs(): Record<string, unknown>[] {
  return system.operator.logs();
}

describe('local mode', () => {
  it('serves a changed answer soon after a flag file is edited', async () => {
    expect((await booleanOf(system.httpUrl, 'payments-enabled')).body.enabled).toBe(true);
    const started = performance.now();
    await writeFile(
      flagsFile,
      original.replace('enabled: true\n  description: Turn off', 'enabled: false\n  description: Turn off'),
    );
    await waitFor('kill switch off', async () =>
      (await booleanOf(system.httpUrl, 'payments-enabled')).body.enabled ? undefined : true,
    );
    const elapsed = performance.now() - started;
    console.log(`edit → new answer: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(5_000);
    await restoreFlags();
  });

  it('keeps serving the last good answers when an edit is invalid, and reports file, document and field path', async () => {
    await writeFile(
      flagsFile,
      original
        .replace('defaultVariant: control', 'defaultVariant: purple')
        .replace('enabled: true\n  description: Turn off', 'enabled: false\n  description: Turn off'),
    );
    const report = await waitFor('invalid manifest reported', () =>
      operatorLogs().find(
        (l) => String(l.msg).startsWith('invalid manifest:') && l.file === 'default/flags.yaml',
      ),
    );
    expect(report).toMatchObject({
      level: 'warn',
      file: 'default/flags.yaml',
      document: 3,
      path: 'spec.defaultVariant',
    });
    // The whole file keeps its last good content: the valid kill-switch edit in it is not applied either.
    expect((await booleanOf(system.httpUrl, 'payments-enabled')).body.enabled).toBe(true);
    expect((await variantOf(system.httpUrl, 'checkout-button', { plan: 'free' })).body.variantKey).not.toBe(
      'purple',
    );
    await restoreFlags();
    await waitFor('problem resolved', () =>
      operatorLogs().find((l) => String(l.msg).startsWith('resolved: invalid manifest')),
    );
  });

  it('keeps a flag at its last good version while it names a segment that does not exist', async () => {
    const before = await variantOf(system.httpUrl, 'checkout-button', { plan: 'beta' });
    expect(before.body).toMatchObject({ variantKey: 'big-green', segmentKeys: ['beta-users'] });
    await writeFile(flagsFile, original.replace('- segments: [beta-users]', '- segments: [no-such-segment]'));
    const diagnostic = await waitFor('dangling reference reported', () =>
      operatorLogs().find((l) => l.reason === 'SegmentNotFound'),
    );
    expect(diagnostic).toMatchObject({
      kind: 'Flag',
      name: 'checkout-button',
      namespace: 'default',
      fieldPath: 'spec.rules[0].segments[0]',
    });
    expect((await variantOf(system.httpUrl, 'checkout-button', { plan: 'beta' })).body).toMatchObject({
      variantKey: 'big-green',
      segmentKeys: ['beta-users'],
    });
    await restoreFlags();
  });

  it('picks up a new file at any depth and forgets it when it is deleted', async () => {
    const dir = join(system.flagsDir, 'default/team/deeper');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'extra.yml');
    await writeFile(
      file,
      'apiVersion: ensign.dev/v1alpha1\nkind: Flag\nmetadata:\n  name: extra\nspec:\n  type: Boolean\n  enabled: true\n',
    );
    await waitFor('new flag served', async () =>
      (await booleanOf(system.httpUrl, 'extra')).status === 200 ? true : undefined,
    );
    await rm(file);
    const gone = await waitFor('flag removed', async () => {
      const res = await booleanOf(system.httpUrl, 'extra');
      return res.status === 404 ? res : undefined;
    });
    expect(gone.body.message).toBe('flag "default/extra" not found');
  });

  it('serves an empty namespace, not a stale one, when its last object is deleted', async () => {
    expect((await booleanOf(system.httpUrl, 'free-shipping', { tier: 'gold' }, 'shop')).body.enabled).toBe(
      true,
    );
    await rm(join(system.flagsDir, 'shop/shop.yaml'));
    const res = await waitFor('shop emptied', async () => {
      const r = await booleanOf(system.httpUrl, 'free-shipping', { tier: 'gold' }, 'shop');
      return r.status === 404 ? r : undefined;
    });
    expect(res.body.message).toBe('flag "shop/free-shipping" not found');
    const ready = await fetch(`http://127.0.0.1:${system.sidecarPorts.ops}/readyz`);
    expect(ready.status).toBe(200);
  });
});
