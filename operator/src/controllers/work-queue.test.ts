import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/manual-clock.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

function queue(clock = new ManualClock()) {
  return { clock, q: new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter(5, 1000) }) };
}

describe('WorkQueue', () => {
  it('stores a key once however often it is added before a worker takes it', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('processes a key added during its processing once more afterwards, never concurrently', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0); // held back while the worker has it
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first ?? '');
    await Promise.resolve();
    expect(second).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
    expect(q.inFlight).toBe(0);
  });

  it('hands a key straight to a waiting worker', async () => {
    const { q } = queue();
    const pending = q.get();
    q.add('x');
    expect(await pending).toBe('x');
    expect(q.inFlight).toBe(1);
  });

  it('adds a delayed key when its time comes, keeping the earlier of two delays', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.addAfter('a', 100);
    q.addAfter('a', 5000);
    await clock.advance(99);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(q.length).toBe(1);
    await clock.advance(10_000);
    expect(q.length).toBe(1);
  });

  it('backs a failing key off exponentially and starts over after forget', async () => {
    const { q, clock } = queue();
    q.addRateLimited('a');
    q.addRateLimited('a'); // still waiting with 5 ms; 10 ms is later, ignored
    expect(q.numRequeues('a')).toBe(2);
    await clock.advance(5);
    expect(q.length).toBe(1);
    const key = await q.get();
    q.done(key ?? '');
    q.addRateLimited('a');
    await clock.advance(19);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(q.length).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('after shutDown hands out nothing, drops delayed keys and reports when workers are done', async () => {
    const { q, clock } = queue();
    q.add('a');
    const held = await q.get();
    const waiting = q.get();
    q.addAfter('b', 10);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    expect(await q.get()).toBeUndefined();
    expect(clock.pending).toBe(0);
    let drained = false;
    void q.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(held ?? '');
    await Promise.resolve();
    expect(drained).toBe(true);
    q.add('c');
    expect(q.length).toBe(0);
  });
});

describe('WorkQueue latency', () => {
  function timed(clock = new ManualClock()) {
    const waited: number[] = [];
    const q = new WorkQueue<string>({
      clock,
      rateLimiter: new ItemExponentialRateLimiter(5, 1000),
      onWaited: (ms) => waited.push(ms),
    });
    return { clock, q, waited };
  }

  it('reports the time from the first add to the hand-out, once per hand-out', async () => {
    const { q, clock, waited } = timed();
    q.add('a');
    await clock.advance(30);
    q.add('a'); // already queued: the wait still counts from the first add
    await clock.advance(20);
    expect(await q.get()).toBe('a');
    expect(waited).toEqual([50]);
  });

  it('starts a key added during its processing at that add, and reports a worker-waiting hand-out as 0', async () => {
    const { q, clock, waited } = timed();
    const pending = q.get();
    q.add('a');
    expect(await pending).toBe('a');
    await clock.advance(10);
    q.add('a');
    await clock.advance(15);
    q.done('a');
    expect(await q.get()).toBe('a');
    expect(waited).toEqual([0, 15]);
  });

  it('counts a delayed key from when its delay ends, not from addAfter', async () => {
    const { q, clock, waited } = timed();
    q.addAfter('a', 100);
    await clock.advance(100);
    await clock.advance(7);
    expect(await q.get()).toBe('a');
    expect(waited).toEqual([7]);
  });
});
