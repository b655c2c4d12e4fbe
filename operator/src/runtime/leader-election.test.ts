import { describe, expect, it } from 'vitest';
import type { KubeResult } from '../kube/kube-result.ts';
import type { Lease, LeaseApi } from '../kube/lease-api.ts';
import { LeaderElector, leaderIdentity, microTime, type LeaderElectionTiming } from './leader-election.ts';
import { ManualClock } from './manual-clock.ts';

/** One Lease in memory with the API server's optimistic concurrency. */
class FakeLeaseStore {
  lease: Lease | undefined;
  #version = 0;
  /** When set, every call fails with this HTTP code. */
  failing: number | undefined;
  writes = 0;

  api(): LeaseApi {
    return {
      get: () =>
        this.#answer(() =>
          this.lease === undefined
            ? this.#error(404, 'NotFound')
            : { ok: true, value: structuredClone(this.lease) },
        ),
      create: (lease) =>
        this.#answer(() => {
          if (this.lease !== undefined) return this.#error(409, 'AlreadyExists');
          return this.#store(lease);
        }),
      update: (lease) =>
        this.#answer(() => {
          if (this.lease?.metadata.resourceVersion !== lease.metadata.resourceVersion)
            return this.#error(409, 'Conflict');
          return this.#store(lease);
        }),
    };
  }

  #answer(f: () => KubeResult<Lease>): Promise<KubeResult<Lease>> {
    if (this.failing !== undefined) return Promise.resolve(this.#error(this.failing, 'ServiceUnavailable'));
    return Promise.resolve(f());
  }

  #store(lease: Lease): KubeResult<Lease> {
    this.writes++;
    this.lease = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.#version) },
    });
    return { ok: true, value: structuredClone(this.lease) };
  }

  #error(code: number, reason: string): KubeResult<Lease> {
    return { ok: false, error: { code, reason, message: reason } };
  }
}

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const timing: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

function candidate(store: FakeLeaseStore, clock: ManualClock, identity: string, api: LeaseApi = store.api()) {
  const log: string[] = [];
  const elector = new LeaderElector({
    api,
    namespace: 'ensign-system',
    name: 'ensign-operator',
    identity,
    timing,
    clock,
    random: () => 0,
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: () => log.push('stopped'),
    logger: quiet,
  });
  return { elector, log };
}

describe('LeaderElector', () => {
  it('creates a missing Lease and leads, renewing it every retry period', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'pod-a_1');
    a.elector.start();
    await clock.advance(0);
    expect(a.elector.isLeader).toBe(true);
    expect(a.log).toEqual(['started']);
    expect(store.lease?.spec).toMatchObject({
      holderIdentity: 'pod-a_1',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    const firstRenew = store.lease?.spec.renewTime;
    await clock.advance(2_000);
    expect(store.lease?.spec.renewTime).not.toBe(firstRenew);
    expect(store.lease?.spec.acquireTime).toBe(microTime(1_000_000));
    await a.elector.stop();
  });

  it('keeps a second candidate waiting while the leader renews', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'pod-a_1');
    const b = candidate(store, clock, 'pod-b_2');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(60_000);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.elector.observedHolder).toBe('pod-a_1');
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  it('takes over once a crashed leader has not renewed for the lease duration, counting a transition', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const leaderApi = store.api();
    let crashed = false;
    const crashable: LeaseApi = {
      get: (t) => (crashed ? new Promise(() => undefined) : leaderApi.get(t)),
      create: (l, t) => (crashed ? new Promise(() => undefined) : leaderApi.create(l, t)),
      update: (l, t) => (crashed ? new Promise(() => undefined) : leaderApi.update(l, t)),
    };
    const a = candidate(store, clock, 'pod-a_1', crashable);
    const b = candidate(store, clock, 'pod-b_2');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(5_000);
    crashed = true; // like SIGKILL: no more renewals, no release
    const killedAt = clock.now();
    while (!b.elector.isLeader) await clock.advance(100);
    const takeover = clock.now() - killedAt;
    expect(takeover).toBeGreaterThanOrEqual(13_000);
    expect(takeover).toBeLessThanOrEqual(17_000);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'pod-b_2', leaseTransitions: 1 });
    expect(b.log).toEqual(['started']);
    await b.elector.stop();
  });

  it('steps down when it cannot renew within the renew deadline, and campaigns again', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'pod-a_1');
    a.elector.start();
    await clock.advance(0);
    store.failing = 503;
    await clock.advance(8_000);
    expect(a.elector.isLeader).toBe(true);
    await clock.advance(2_000);
    expect(a.elector.isLeader).toBe(false);
    expect(a.log).toEqual(['started', 'stopped']);
    store.failing = undefined;
    await clock.advance(2_500);
    expect(a.elector.isLeader).toBe(true);
    expect(a.log).toEqual(['started', 'stopped', 'started']);
    await a.elector.stop();
  });

  it('loses a race for the Lease to a concurrent write (409) without leading', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const api = store.api();
    const racing: LeaseApi = {
      ...api,
      create: async (lease, t) => {
        await api.create({ ...lease, spec: { ...lease.spec, holderIdentity: 'someone-else' } }, t);
        return api.create(lease, t);
      },
    };
    const a = candidate(store, clock, 'pod-a_1', racing);
    a.elector.start();
    await clock.advance(0);
    expect(a.elector.isLeader).toBe(false);
    expect(store.lease?.spec.holderIdentity).toBe('someone-else');
    await a.elector.stop();
  });

  it('releases the Lease on stop so a successor takes it on its next retry', async () => {
    const clock = new ManualClock();
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'pod-a_1');
    const b = candidate(store, clock, 'pod-b_2');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(1_000);
    await a.elector.stop();
    expect(a.log).toEqual(['started', 'stopped']);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await clock.advance(2_000);
    expect(b.elector.isLeader).toBe(true);
    await b.elector.stop();
  });
});

describe('leaderIdentity', () => {
  it('is the pod name plus eight hex digits', () => {
    expect(leaderIdentity('ensign-operator-7d9f', () => 0.5)).toBe('ensign-operator-7d9f_80000000');
  });
});

describe('microTime', () => {
  it('writes six fractional digits as Kubernetes MicroTime expects', () => {
    expect(microTime(Date.UTC(2026, 10, 25, 10, 0, 0, 123))).toBe('2026-11-25T10:00:00.123000Z');
  });
});
