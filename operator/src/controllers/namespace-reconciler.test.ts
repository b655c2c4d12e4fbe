import { describe, expect, it } from 'vitest';
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { parseFlag, parseFlagNamespace, parseSegment } from '../api/parse.ts';
import type { Flag } from '../api/flag.ts';
import type { FlagNamespace } from '../api/flag-namespace.ts';
import type { Segment } from '../api/segment.ts';
import type { KubeResult } from '../kube/kube-result.ts';
import { ManualClock } from '../runtime/manual-clock.ts';
import type { ObjectReference } from './kubernetes-event.ts';
import { NamespaceReconciler, type StatusKind } from './namespace-reconciler.ts';
import type { EventDecision } from './status.ts';

/** Just enough of an API server: objects by kind/name, status merge patches with resourceVersion checks. */
class FakeCluster {
  readonly objects = new Map<string, Record<string, unknown>>();
  readonly patches: string[] = [];
  readonly events: { regarding: ObjectReference; decision: EventDecision }[] = [];
  readonly published: RuleSet[] = [];
  #rv = 1;
  /** Answer the next status patch with this error instead. */
  nextPatchError: { code: number; reason: string } | undefined;
  leader = true;

  put(kind: StatusKind, name: string, spec: object, namespace: string | null = 'shop'): void {
    const key = `${kind}/${name}`;
    const old = this.objects.get(key);
    const generation = ((old?.metadata as { generation?: number } | undefined)?.generation ?? 0) + 1;
    this.objects.set(key, {
      apiVersion: 'ensign.dev/v1alpha1',
      kind,
      metadata: {
        name,
        ...(namespace === null ? {} : { namespace }),
        generation,
        uid: `uid-${name}`,
        resourceVersion: String(++this.#rv),
      },
      spec,
      ...(old?.status === undefined ? {} : { status: old.status }),
    });
  }

  remove(kind: StatusKind, name: string): void {
    this.objects.delete(`${kind}/${name}`);
  }

  status(kind: StatusKind, name: string): Record<string, unknown> | undefined {
    return this.objects.get(`${kind}/${name}`)?.status as Record<string, unknown> | undefined;
  }

  #parsed<T>(kind: StatusKind, parse: (o: unknown) => { ok: true; value: T } | { ok: false }): T[] {
    const out: T[] = [];
    for (const [key, raw] of this.objects) {
      if (!key.startsWith(`${kind}/`)) continue;
      const result = parse(raw);
      if (!result.ok) throw new Error(`fixture ${key} does not parse`);
      out.push(result.value);
    }
    return out;
  }

  reconciler(clock: ManualClock, sidecars = { connected: 2, inSync: 1 }): NamespaceReconciler {
    return new NamespaceReconciler({
      caches: {
        flags: () => this.#parsed<Flag>('Flag', parseFlag),
        segments: () => this.#parsed<Segment>('Segment', parseSegment),
        flagNamespace: (ns) =>
          this.#parsed<FlagNamespace>('FlagNamespace', parseFlagNamespace).find(
            (f) => f.metadata.name === ns,
          ),
      },
      publisher: { publish: (r) => this.published.push(r) },
      sink: {
        patchStatus: (kind, _ns, name, patch) => Promise.resolve(this.#patch(kind, name, patch)),
        recordEvent: (regarding, decision) => {
          this.events.push({ regarding, decision });
          return Promise.resolve({ ok: true, value: {} });
        },
      },
      isLeader: () => this.leader,
      sidecars: () => sidecars,
      clock,
      logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    });
  }

  #patch(kind: StatusKind, name: string, patch: object): KubeResult<unknown> {
    this.patches.push(`${kind}/${name}`);
    if (this.nextPatchError !== undefined) {
      const { code, reason } = this.nextPatchError;
      this.nextPatchError = undefined;
      return { ok: false, error: { code, reason, message: reason } };
    }
    const object = this.objects.get(`${kind}/${name}`);
    if (object === undefined) return { ok: false, error: { code: 404, reason: 'NotFound', message: 'gone' } };
    const { metadata, status } = patch as {
      metadata?: { resourceVersion?: string };
      status: Record<string, unknown>;
    };
    const meta = object.metadata as { resourceVersion: string };
    if (metadata?.resourceVersion !== undefined && metadata.resourceVersion !== meta.resourceVersion)
      return { ok: false, error: { code: 409, reason: 'Conflict', message: 'modified' } };
    const merged = { ...(object.status as Record<string, unknown> | undefined), ...status };
    object.status = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
    meta.resourceVersion = String(++this.#rv);
    return { ok: true, value: object };
  }
}

const booleanFlag = { type: 'Boolean', enabled: true };
const segmentedFlag = (segment: string) => ({
  type: 'Boolean',
  enabled: false,
  rollouts: [{ segment: { segments: [segment], value: true } }],
});
const vipSegment = {
  matchType: 'All',
  constraints: [{ property: 'tier', type: 'String', operator: 'eq', value: 'gold' }],
};

function readyOf(status: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return (status?.conditions as Record<string, unknown>[] | undefined)?.find((c) => c.type === 'Ready');
}

describe('NamespaceReconciler', () => {
  it('publishes the compiled namespace and marks every object Ready with revision and generation', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'kill-switch', booleanFlag);
    cluster.put('Flag', 'vip-only', segmentedFlag('vip'));
    cluster.put('Segment', 'vip', vipSegment);
    cluster.put('FlagNamespace', 'shop', {}, null);
    const result = await cluster.reconciler(new ManualClock()).reconcile('shop');
    expect(result.ok).toBe(true);
    const revision = cluster.published.at(-1)?.revision;
    expect(cluster.published.at(-1)?.flags.map((f) => f.key)).toEqual(['kill-switch', 'vip-only']);
    expect(cluster.status('Flag', 'vip-only')).toMatchObject({ observedGeneration: 1, revision });
    expect(readyOf(cluster.status('Flag', 'vip-only'))).toMatchObject({
      status: 'True',
      reason: 'Compiled',
      lastTransitionTime: '1970-01-01T00:16:40Z', // the clock's start, in whole seconds like metav1.Time
    });
    expect(readyOf(cluster.status('Segment', 'vip'))).toMatchObject({ status: 'True' });
    expect(cluster.status('FlagNamespace', 'shop')).toMatchObject({
      revision,
      flags: 2,
      segments: 1,
      sidecars: { connected: 2, inSync: 1 },
    });
    expect(cluster.events).toEqual([]);
  });

  it('writes nothing when run again over its own result', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'a', booleanFlag);
    cluster.put('FlagNamespace', 'shop', {}, null);
    const clock = new ManualClock();
    const reconciler = cluster.reconciler(clock);
    await reconciler.reconcile('shop');
    const patches = cluster.patches.length;
    await clock.advance(60_000);
    const again = await reconciler.reconcile('shop');
    expect(again.ok && again.report).toMatchObject({ patched: 0, published: false, events: 0 });
    expect(cluster.patches).toHaveLength(patches);
  });

  it('reports a dangling segment as Ready=False with the reason and an Event, and keeps serving the last good flag', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'vip-only', segmentedFlag('vip'));
    cluster.put('Segment', 'vip', vipSegment);
    const reconciler = cluster.reconciler(new ManualClock());
    await reconciler.reconcile('shop');
    cluster.put('Flag', 'vip-only', segmentedFlag('gold'));
    await reconciler.reconcile('shop');
    const status = cluster.status('Flag', 'vip-only');
    expect(status?.observedGeneration).toBe(2);
    expect(status?.revision).toBeUndefined();
    expect(readyOf(status)).toMatchObject({
      status: 'False',
      reason: 'SegmentNotFound',
      observedGeneration: 2,
    });
    expect(String(readyOf(status)?.message)).toContain('"gold"');
    expect(cluster.events.map((e) => [e.regarding.name, e.decision.type, e.decision.reason])).toEqual([
      ['vip-only', 'Warning', 'SegmentNotFound'],
    ]);
    expect(cluster.events[0]?.regarding).toMatchObject({
      kind: 'Flag',
      namespace: 'shop',
      uid: 'uid-vip-only',
    });
    const served = reconciler.current('shop');
    expect(served?.flags[0]?.rollouts[0]?.kind).toMatchObject({
      $case: 'segment',
      value: { segmentKeys: ['vip'] },
    });
  });

  it('records Recovered once the problem is fixed, and stays quiet in between', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'f', segmentedFlag('vip'));
    const reconciler = cluster.reconciler(new ManualClock());
    await reconciler.reconcile('shop');
    await reconciler.reconcile('shop');
    cluster.put('Segment', 'vip', vipSegment);
    await reconciler.reconcile('shop');
    await reconciler.reconcile('shop');
    expect(cluster.events.map((e) => `${e.decision.type} ${e.decision.reason}`)).toEqual([
      'Warning SegmentNotFound',
      'Normal Recovered',
    ]);
    expect(readyOf(cluster.status('Flag', 'f'))).toMatchObject({ status: 'True' });
  });

  it('publishes on every replica but writes status only while leading', async () => {
    const cluster = new FakeCluster();
    cluster.leader = false;
    cluster.put('Flag', 'a', booleanFlag);
    const reconciler = cluster.reconciler(new ManualClock());
    await reconciler.reconcile('shop');
    expect(cluster.published).toHaveLength(1);
    expect(cluster.patches).toEqual([]);
    cluster.leader = true;
    await reconciler.reconcile('shop');
    expect(cluster.patches).toEqual(['Flag/a']);
    expect(cluster.published).toHaveLength(1);
  });

  it('publishes an empty rule set when the last object of a namespace is deleted', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'a', booleanFlag);
    const reconciler = cluster.reconciler(new ManualClock());
    await reconciler.reconcile('shop');
    cluster.remove('Flag', 'a');
    await reconciler.reconcile('shop');
    expect(cluster.published.at(-1)).toMatchObject({ namespace: 'shop', flags: [], segments: [] });
    expect(cluster.published).toHaveLength(2);
  });

  it('fails the reconcile on a conflict so it is retried, and ignores objects deleted meanwhile', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'a', booleanFlag);
    const reconciler = cluster.reconciler(new ManualClock());
    cluster.nextPatchError = { code: 409, reason: 'Conflict' };
    const conflicted = await reconciler.reconcile('shop');
    expect(conflicted.ok).toBe(false);
    expect(!conflicted.ok && conflicted.error.code).toBe(409);
    cluster.nextPatchError = { code: 404, reason: 'NotFound' };
    expect((await reconciler.reconcile('shop')).ok).toBe(true);
    expect((await reconciler.reconcile('shop')).ok).toBe(true);
    expect(readyOf(cluster.status('Flag', 'a'))).toMatchObject({ status: 'True' });
  });

  it('counts failing objects in the FlagNamespace Ready condition', async () => {
    const cluster = new FakeCluster();
    cluster.put('Flag', 'f', segmentedFlag('missing'));
    cluster.put('FlagNamespace', 'shop', {}, null);
    await cluster.reconciler(new ManualClock()).reconcile('shop');
    expect(readyOf(cluster.status('FlagNamespace', 'shop'))).toMatchObject({
      status: 'False',
      reason: 'ObjectsNotReady',
    });
    expect(cluster.status('FlagNamespace', 'shop')).toMatchObject({ flags: 0 });
  });
});
