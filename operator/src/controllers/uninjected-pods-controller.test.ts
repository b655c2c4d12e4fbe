// The un-injected pod detector over scripted list/watch streams and a fake Event sink, with time
// moved by hand.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ListWatchApi } from '../kube/kube-client.ts';
import { ok, type KubeResult } from '../kube/kube-result.ts';
import { ManualClock } from '../runtime/manual-clock.ts';
import { FakeListWatchApi } from './testdata/fake-list-watch.ts';
import { UninjectedPodsDetector, type EventRecorder } from './uninjected-pods-controller.ts';
import type { uninjectedPodEvent } from './uninjected-pods.ts';

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
  child: () => quiet,
};

function pod(name: string, namespace: string, annotations: Record<string, string>, resourceVersion = '1') {
  return { metadata: { name, namespace, uid: `uid-${name}`, resourceVersion, annotations } };
}
const OPTED_IN = { 'ensign.dev/inject': 'true' };

type Event = ReturnType<typeof uninjectedPodEvent>;

function setup(answer: (event: Event) => KubeResult<unknown> = () => ok({})) {
  const clock = new ManualClock();
  const pods = new FakeListWatchApi();
  const namespaces = new FakeListWatchApi();
  const api: ListWatchApi = {
    list: (type, options) => (type.plural === 'pods' ? pods : namespaces).list(type, options),
    watch: (type, options, onEvent) =>
      (type.plural === 'pods' ? pods : namespaces).watch(type, options, onEvent),
  };
  const recorded: Event[] = [];
  const events: EventRecorder = {
    create: (event) => {
      recorded.push(event);
      return Promise.resolve(answer(event));
    },
  };
  const changes: string[][] = [];
  const registry = new Registry();
  const detector = new UninjectedPodsDetector({
    api,
    events,
    watchNamespaces: [],
    excludedNamespaces: ['kube-system', 'ensign-system'],
    registry,
    instance: 'op-1',
    onChange: (changed) => changes.push([...changed]),
    clock,
    random: () => 0.5,
    logger: quiet,
    debounceMs: 500,
  });
  const gauge = async (): Promise<Record<string, number>> => {
    const metric = registry.getSingleMetric('ensign_operator_uninjected_pods');
    const values = (await metric?.get())?.values ?? [];
    return Object.fromEntries(values.map((v) => [String(v.labels.namespace), v.value]));
  };
  return { clock, pods, namespaces, detector, recorded, changes, gauge };
}

describe('UninjectedPodsDetector', () => {
  it('reports opted-in pods without the sidecar: gauge, one Event each, changed namespaces, summaries', async () => {
    const { pods, namespaces, detector, recorded, changes, gauge } = setup();
    namespaces.objects = [
      { metadata: { name: 'shop', resourceVersion: '1' } },
      { metadata: { name: 'web', resourceVersion: '1', labels: { 'ensign.dev/inject': 'enabled' } } },
    ];
    pods.objects = [
      pod('a', 'shop', OPTED_IN),
      pod('b', 'shop', {}),
      pod('c', 'web', {}),
      pod('d', 'web', { 'ensign.dev/injected': 'true' }),
      pod('e', 'ensign-system', OPTED_IN),
    ];
    expect(detector.summary('shop')).toBeUndefined();
    await detector.start();
    expect(await gauge()).toEqual({ shop: 1, web: 1 });
    expect(recorded.map((e) => e.regarding.name).sort()).toEqual(['a', 'c']);
    expect(changes).toEqual([['shop', 'web']]);
    expect(detector.summary('shop')).toEqual({ count: 1, names: ['a'] });
    expect(detector.summary('other')).toEqual({ count: 0, names: [] });
    await detector.stop();
  });

  it('follows watch events after a debounce, without recording an Event twice', async () => {
    const { clock, pods, namespaces, detector, recorded, changes, gauge } = setup();
    namespaces.objects = [{ metadata: { name: 'shop', resourceVersion: '1' } }];
    pods.objects = [pod('a', 'shop', OPTED_IN)];
    await detector.start();
    pods.current.emit('ADDED', pod('b', 'shop', OPTED_IN, '2'));
    pods.current.emit('MODIFIED', pod('a', 'shop', OPTED_IN, '3'));
    await clock.advance(499);
    expect(await gauge()).toEqual({ shop: 1 });
    await clock.advance(1);
    expect(await gauge()).toEqual({ shop: 2 });
    expect(recorded.map((e) => e.regarding.name)).toEqual(['a', 'b']);
    pods.current.emit('DELETED', pod('a', 'shop', OPTED_IN, '4'));
    pods.current.emit('DELETED', pod('b', 'shop', OPTED_IN, '5'));
    await clock.advance(500);
    expect(await gauge()).toEqual({});
    expect(changes).toEqual([['shop'], ['shop'], ['shop']]);
    expect(detector.summary('shop')).toEqual({ count: 0, names: [] });
    await detector.stop();
  });

  it('is not postponed by a steady stream of pod events', async () => {
    const { clock, pods, namespaces, detector, gauge } = setup();
    namespaces.objects = [{ metadata: { name: 'shop', resourceVersion: '1' } }];
    await detector.start();
    for (let i = 0; i < 10; i++) {
      pods.current.emit('ADDED', pod(`p${i}`, 'shop', OPTED_IN, String(10 + i)));
      await clock.advance(100);
    }
    // Evaluated at 500 ms with the first five, again later; never starved by the stream.
    expect((await gauge()).shop).toBeGreaterThanOrEqual(5);
    await clock.advance(500);
    expect(await gauge()).toEqual({ shop: 10 });
    await detector.stop();
  });

  it('takes AlreadyExists as recorded and retries a failed Event at the next evaluation', async () => {
    let calls = 0;
    const { clock, pods, namespaces, detector, recorded } = setup(() => {
      calls++;
      if (calls === 1) return { ok: false, error: { code: 409, reason: 'AlreadyExists', message: 'exists' } };
      if (calls === 2) return { ok: false, error: { code: 500, reason: 'InternalError', message: 'boom' } };
      return ok({});
    });
    namespaces.objects = [{ metadata: { name: 'shop', resourceVersion: '1' } }];
    pods.objects = [pod('a', 'shop', OPTED_IN), pod('b', 'shop', OPTED_IN)];
    await detector.start();
    expect(recorded.map((e) => e.regarding.name)).toEqual(['a', 'b']);
    pods.current.emit('MODIFIED', pod('a', 'shop', OPTED_IN, '9'));
    await clock.advance(500);
    expect(recorded.map((e) => e.regarding.name)).toEqual(['a', 'b', 'b']);
    await detector.stop();
  });

  it('forgets everything when it stops (a follower reports nothing)', async () => {
    const { pods, namespaces, detector, changes, gauge } = setup();
    namespaces.objects = [{ metadata: { name: 'shop', resourceVersion: '1' } }];
    pods.objects = [pod('a', 'shop', OPTED_IN)];
    await detector.start();
    await detector.stop();
    expect(await gauge()).toEqual({});
    expect(detector.summary('shop')).toBeUndefined();
    expect(changes.at(-1)).toEqual(['shop']);
  });
});
