import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleSetPublisher } from '../sync/publisher.ts';
import { startLocalController, type RunningLocalController } from './local-controller.ts';
import type { LocalLogger } from './local-logger.ts';

const segmentYaml = (name: string, namespace = 'shop'): string => `apiVersion: ensign.dev/v1alpha1
kind: Segment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  constraints:
    - { property: plan, type: String, operator: eq, value: ${name} }
`;

const flagYaml = (
  name: string,
  opts: { namespace?: string; segment?: string; enabled?: boolean } = {},
): string => {
  const rollouts =
    opts.segment === undefined
      ? ''
      : `  rollouts:\n    - segment: { segments: [${opts.segment}], value: true }\n`;
  return `apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata: { name: ${name}, namespace: ${opts.namespace ?? 'shop'} }
spec:
  type: Boolean
  enabled: ${String(opts.enabled ?? true)}
${rollouts}`;
};

class RecordingPublisher implements RuleSetPublisher {
  readonly published: RuleSet[] = [];
  synced = 0;
  publish(ruleSet: RuleSet): void {
    this.published.push(ruleSet);
  }
  markSynced(): void {
    this.synced++;
  }
  of(namespace: string): RuleSet[] {
    return this.published.filter((r) => r.namespace === namespace);
  }
  latest(namespace: string): RuleSet | undefined {
    return this.of(namespace).at(-1);
  }
}

interface LogEntry {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLogger(): LocalLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let root: string;
let running: RunningLocalController | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ensign-local-controller-'));
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  await rm(root, { recursive: true, force: true });
});

async function start() {
  const publisher = new RecordingPublisher();
  const logger = recordingLogger();
  running = await startLocalController({ root, publisher, logger, debounceMs: 20 });
  return { publisher, logger };
}

/** Lets file-system events and the debounce run; used where nothing observable is expected to happen. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

describe('local controller', () => {
  it('publishes one rule set per namespace on start, then marks the publisher synced', async () => {
    await writeFile(
      join(root, 'shop.yaml'),
      `${segmentYaml('beta')}---\n${flagYaml('promo', { segment: 'beta' })}`,
    );
    await writeFile(join(root, 'default.yaml'), flagYaml('banner', { namespace: 'default' }));
    const { publisher, logger } = await start();
    expect(publisher.published.map((r) => r.namespace)).toEqual(['default', 'shop']);
    expect(publisher.latest('shop')?.flags.map((f) => f.key)).toEqual(['promo']);
    expect(publisher.latest('shop')?.segments.map((s) => s.key)).toEqual(['beta']);
    expect(publisher.synced).toBe(1);
    expect(logger.entries.filter((e) => e.msg === 'rule set published')).toHaveLength(2);
  });

  it('publishes a namespace again only when its revision changes', async () => {
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo'));
    await writeFile(join(root, 'default.yaml'), flagYaml('banner', { namespace: 'default' }));
    const { publisher } = await start();
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo', { enabled: false }));
    await expect.poll(() => publisher.of('shop').length).toBe(2);
    expect(publisher.latest('shop')?.flags[0]?.enabled).toBe(false);
    expect(publisher.of('shop')[0]?.revision).not.toBe(publisher.latest('shop')?.revision);
    // Rewriting the same content, or adding a segment no flag uses, changes no revision.
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo', { enabled: false }));
    await writeFile(join(root, 'unused.yaml'), segmentYaml('nobody'));
    await settle();
    expect(publisher.of('shop')).toHaveLength(2);
    expect(publisher.of('default')).toHaveLength(1);
    expect(publisher.synced).toBe(1);
  });

  it('keeps serving the last good objects of an invalid file, logs where, and logs the fix', async () => {
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo'));
    const { publisher, logger } = await start();
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo').replace('type: Boolean', 'type: Maybe'));
    await expect
      .poll(() => logger.entries.some((e) => e.level === 'warn' && e.obj.path === 'spec.type'))
      .toBe(true);
    expect(logger.entries.find((e) => e.obj.path === 'spec.type')?.obj).toMatchObject({
      file: 'shop.yaml',
      document: 1,
      line: 5,
    });
    expect(publisher.of('shop')).toHaveLength(1);
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo', { enabled: false }));
    await expect.poll(() => publisher.of('shop').length).toBe(2);
    expect(
      logger.entries.some((e) => e.level === 'info' && e.msg.startsWith('resolved: invalid manifest')),
    ).toBe(true);
  });

  it('keeps a flag whose segment was deleted at its last good version and logs the reason once', async () => {
    await writeFile(join(root, 'segment.yaml'), segmentYaml('beta'));
    await writeFile(join(root, 'flag.yaml'), flagYaml('promo', { segment: 'beta' }));
    const { publisher, logger } = await start();
    const before = publisher.latest('shop');
    await rm(join(root, 'segment.yaml'));
    await expect.poll(() => logger.entries.some((e) => e.obj.reason === 'SegmentNotFound')).toBe(true);
    expect(publisher.of('shop')).toHaveLength(1);
    expect(publisher.latest('shop')).toBe(before);
    await writeFile(join(root, 'other.yaml'), flagYaml('other', { namespace: 'default' }));
    await expect.poll(() => publisher.of('default').length).toBe(1);
    expect(logger.entries.filter((e) => e.obj.reason === 'SegmentNotFound')).toHaveLength(1);
  });

  it('publishes an empty rule set for a namespace whose last object was deleted', async () => {
    await writeFile(join(root, 'shop.yaml'), flagYaml('promo'));
    await writeFile(join(root, 'default.yaml'), flagYaml('banner', { namespace: 'default' }));
    const { publisher } = await start();
    await rm(join(root, 'shop.yaml'));
    await expect.poll(() => publisher.of('shop').length).toBe(2);
    expect(publisher.latest('shop')).toMatchObject({ namespace: 'shop', flags: [], segments: [] });
    expect(publisher.latest('shop')?.revision).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(join(root, 'default.yaml'), flagYaml('banner', { namespace: 'default', enabled: false }));
    await expect.poll(() => publisher.of('default').length).toBe(2);
    expect(publisher.of('shop')).toHaveLength(2);
  });
});
