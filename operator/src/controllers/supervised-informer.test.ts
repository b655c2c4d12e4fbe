import { describe, expect, it } from 'vitest';
import { parseFlag } from '../api/parse.ts';
import type { Flag } from '../api/flag.ts';
import { FLAG } from '../kube/resource-type.ts';
import { ManualClock, flushPromises } from '../runtime/manual-clock.ts';
import {
  SupervisedInformer,
  type InformerEvent,
  type InformerScope,
  type InvalidObject,
  type RestartCause,
} from './supervised-informer.ts';
import { FakeListWatchApi } from './testdata/fake-list-watch.ts';

function flag(name: string, resourceVersion: string, namespace = 'shop', enabled = true): unknown {
  return {
    apiVersion: 'ensign.dev/v1alpha1',
    kind: 'Flag',
    metadata: { name, namespace, resourceVersion, generation: 1 },
    spec: { type: 'Boolean', enabled },
  };
}

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function setup(options: { scopes?: InformerScope[]; staleAfterMs?: number; resyncMs?: number } = {}) {
  const clock = new ManualClock();
  const api = new FakeListWatchApi();
  const events: InformerEvent<Flag>[] = [];
  const invalid: InvalidObject[] = [];
  const restarts: RestartCause[] = [];
  const informer = new SupervisedInformer<Flag>({
    type: FLAG,
    api,
    parse: parseFlag,
    scopes: options.scopes ?? [{}],
    onEvent: (e) => events.push(e),
    onInvalid: (i) => invalid.push(i),
    onRestart: (cause) => restarts.push(cause),
    logger: quiet,
    clock,
    backoff: { initialMs: 100, maxMs: 1000, random: () => 1 },
    staleAfterMs: options.staleAfterMs ?? 60_000,
    resyncMs: options.resyncMs ?? 0,
    watchTimeoutSeconds: () => 300,
  });
  const summary = (): string[] =>
    events.map((e) =>
      e.type === 'resync'
        ? 'resync'
        : `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`,
    );
  return { clock, api, events, invalid, restarts, informer, summary };
}

describe('SupervisedInformer', () => {
  it('lists, then watches from the list resourceVersion with bookmarks and a server timeout', async () => {
    const { api, informer, summary } = setup();
    api.objects = [flag('a', '5'), flag('b', '6')];
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    expect(summary()).toEqual(['upsert a@5', 'upsert b@6']);
    expect(api.current.options).toMatchObject({
      resourceVersion: '100',
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
    });
    expect(
      informer
        .list('shop')
        .map((f) => f.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(informer.get('shop', 'a')?.spec.type).toBe('Boolean');
    await informer.stop();
  });

  it('applies watch events to the cache and resumes a cleanly closed watch from the last bookmark', async () => {
    const { api, informer, summary, clock } = setup();
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.current.emit('ADDED', flag('a', '101'));
    api.current.emit('MODIFIED', flag('a', '102', 'shop', false));
    api.current.emit('MODIFIED', flag('a', '102', 'shop', false)); // same resourceVersion: no event
    api.current.emit('DELETED', flag('a', '103'));
    api.current.emit('BOOKMARK', { metadata: { resourceVersion: '150' } });
    api.current.close();
    await clock.advance(0);
    expect(summary()).toEqual(['upsert a@101', 'upsert a@102', 'delete a@102']);
    expect(api.watches).toHaveLength(2);
    expect(api.current.options.resourceVersion).toBe('150');
    expect(api.lists).toHaveLength(1);
    expect(informer.get('shop', 'a')).toBeUndefined();
    await informer.stop();
  });

  it('backs off when the server keeps ending watches at once with nothing in them', async () => {
    const { api, informer, clock, restarts } = setup();
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.current.close();
    await clock.advance(99);
    expect(api.watches).toHaveLength(1);
    await clock.advance(1);
    expect(api.watches).toHaveLength(2);
    expect(restarts).toEqual(['error']);
    await clock.advance(5_000);
    api.current.close(); // after a healthy while: resumed at once
    await clock.advance(0);
    expect(api.watches).toHaveLength(3);
    await informer.stop();
  });

  it('relists at once on 410 Gone and deletes what disappeared meanwhile', async () => {
    const { api, informer, summary, restarts } = setup();
    api.objects = [flag('a', '5'), flag('b', '6')];
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.objects = [flag('b', '7')];
    api.listResourceVersion = '300';
    api.current.fail(410, 'Expired', 'too old resource version');
    await flushPromises();
    expect(api.lists).toHaveLength(2);
    expect(summary()).toEqual(['upsert a@5', 'upsert b@6', 'upsert b@7', 'delete a@5']);
    expect(api.current.options.resourceVersion).toBe('300');
    expect(restarts).toEqual(['gone']);
    await informer.stop();
  });

  it('restarts a failed watch after a growing backoff, resuming without a relist', async () => {
    const { api, informer, clock, restarts } = setup();
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.current.emit('ADDED', flag('a', '120'));
    api.current.fail(500, 'InternalError');
    await clock.advance(99);
    expect(api.watches).toHaveLength(1);
    await clock.advance(1);
    expect(api.watches).toHaveLength(2);
    expect(api.current.options.resourceVersion).toBe('120');
    api.current.fail(0, 'NetworkError', 'ECONNRESET');
    await clock.advance(199);
    expect(api.watches).toHaveLength(2);
    await clock.advance(1);
    expect(api.watches).toHaveLength(3);
    expect(api.lists).toHaveLength(1);
    expect(restarts).toEqual(['error', 'error']);
    await informer.stop();
  });

  it('keeps retrying a failing list with backoff and is not synced until one succeeds', async () => {
    const { api, informer, clock } = setup();
    api.listAnswers.push(
      { ok: false, error: { code: 403, reason: 'Forbidden', message: 'no' } },
      { ok: false, error: { code: 0, reason: 'NetworkError', message: 'refused' } },
    );
    informer.start();
    await flushPromises();
    expect(informer.synced).toBe(false);
    await clock.advance(100);
    expect(api.lists).toHaveLength(2);
    await clock.advance(200);
    expect(api.lists).toHaveLength(3);
    expect(informer.synced).toBe(true);
    await informer.stop();
  });

  it('restarts a watch that has been silent longer than the staleness limit; bookmarks count as life', async () => {
    const { api, informer, clock, restarts } = setup({ staleAfterMs: 1000 });
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    await clock.advance(900);
    api.current.emit('BOOKMARK', { metadata: { resourceVersion: '130' } });
    await clock.advance(900);
    expect(api.watches).toHaveLength(1);
    await clock.advance(100);
    expect(api.watches[0]?.aborted).toBe(true);
    expect(restarts).toEqual(['stale']);
    await clock.advance(100);
    expect(api.watches).toHaveLength(2);
    expect(api.current.options.resourceVersion).toBe('130');
    await informer.stop();
  });

  it('relists every resync period and then announces a resync', async () => {
    const { api, informer, clock, summary } = setup({ resyncMs: 10_000, staleAfterMs: 60_000 });
    api.objects = [flag('a', '5')];
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.objects = [flag('a', '9')];
    await clock.advance(10_000);
    expect(api.lists).toHaveLength(2);
    expect(summary()).toEqual(['upsert a@5', 'upsert a@9', 'resync']);
    expect(api.watches).toHaveLength(2);
    await informer.stop();
  });

  it('reports an object that does not parse and keeps its last parsed version', async () => {
    const { api, informer, invalid } = setup();
    api.objects = [flag('a', '5')];
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    api.current.emit('MODIFIED', {
      ...(flag('a', '6') as object),
      spec: { type: 'Boolean', enabled: 'yes' },
    });
    api.current.emit('ADDED', { ...(flag('b', '7') as object), spec: { type: 'Nope' } });
    expect(invalid.map((i) => `${i.name}: ${i.issues[0]?.path ?? ''}`)).toEqual([
      'a: spec.enabled',
      'b: spec.type',
    ]);
    expect(informer.get('shop', 'a')?.metadata.resourceVersion).toBe('5');
    expect(informer.get('shop', 'b')).toBeUndefined();
    await informer.stop();
  });

  it('runs one reflector per watched namespace and is synced only when all have listed', async () => {
    const { api, informer } = setup({ scopes: [{ namespace: 'a' }, { namespace: 'b' }] });
    api.listAnswers.push({
      ok: true,
      value: { items: [flag('x', '1', 'a')], resourceVersion: '10', continue: undefined },
    });
    api.listAnswers.push({ ok: false, error: { code: 500, reason: 'InternalError', message: 'x' } });
    informer.start();
    await flushPromises();
    expect(api.lists.map((l) => l.options.namespace)).toEqual(['a', 'b']);
    expect(informer.synced).toBe(false);
    expect(api.watches.map((w) => w.options.namespace)).toEqual(['a']);
    await informer.stop();
  });

  it('follows continue tokens until the list is complete', async () => {
    const { api, informer } = setup();
    api.listAnswers.push(
      { ok: true, value: { items: [flag('a', '1')], resourceVersion: '10', continue: 'next' } },
      { ok: true, value: { items: [flag('b', '2')], resourceVersion: '11', continue: undefined } },
    );
    informer.start();
    await informer.waitForSync();
    expect(api.lists.map((l) => l.options.continue)).toEqual([undefined, 'next']);
    expect(informer.size).toBe(2);
    await informer.stop();
  });

  it('stops its watches and backoff sleeps', async () => {
    const { api, informer } = setup();
    informer.start();
    await informer.waitForSync();
    await flushPromises();
    await informer.stop();
    expect(api.current.aborted).toBe(true);
    expect(api.watches).toHaveLength(1);
  });
});
