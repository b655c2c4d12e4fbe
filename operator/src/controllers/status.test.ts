import { describe, expect, it } from 'vitest';
import type { ObjectOutcome } from '../compiler/diagnostic.ts';
import {
  desiredFlagNamespaceStatus,
  desiredObjectStatus,
  eventForTransition,
  MAX_MESSAGE_LENGTH,
  statusEquals,
  statusMergePatch,
  type ObjectStatusInput,
} from './status.ts';

const T0 = '2026-11-25T10:00:00Z';
const T1 = '2026-11-25T10:05:00Z';
const ready = { ready: true, reason: 'Compiled', message: 'flag "a" compiled' };
const dangling = {
  ready: false,
  reason: 'SegmentNotFound',
  message: 'spec.rules[0].segments[0]: segment "vip" does not exist; serving the last good version',
};

function input(overrides: Partial<ObjectStatusInput> = {}): ObjectStatusInput {
  return { generation: 1, verdict: ready, revision: 'rev-1', observed: undefined, now: T0, ...overrides };
}

describe('desiredObjectStatus', () => {
  it('marks a compiled object Ready with its generation and the revision that serves it', () => {
    expect(desiredObjectStatus(input())).toEqual({
      observedGeneration: 1,
      revision: 'rev-1',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: T0,
          reason: 'Compiled',
          message: 'flag "a" compiled',
        },
      ],
    });
  });

  it('marks a failed object not Ready and Stalled with the compiler reason, and names no revision', () => {
    const status = desiredObjectStatus(input({ generation: 3, verdict: dangling }));
    expect(status.revision).toBeUndefined();
    expect(status.observedGeneration).toBe(3);
    expect(status.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'False',
        reason: 'SegmentNotFound',
        observedGeneration: 3,
      }),
      expect.objectContaining({
        type: 'Stalled',
        status: 'True',
        reason: 'SegmentNotFound',
        message: dangling.message,
      }),
    ]);
  });

  it('is unchanged when computed again from its own output, even at a later time and revision', () => {
    const first = desiredObjectStatus(input());
    const second = desiredObjectStatus(input({ observed: first, now: T1, revision: 'rev-2' }));
    expect(statusEquals(second, first)).toBe(true);
    const failing = desiredObjectStatus(input({ verdict: dangling }));
    expect(
      statusEquals(desiredObjectStatus(input({ verdict: dangling, observed: failing, now: T1 })), failing),
    ).toBe(true);
  });

  it('keeps lastTransitionTime while the condition status stays, and moves it when the status flips', () => {
    const failing = desiredObjectStatus(input({ verdict: dangling }));
    const otherMessage = desiredObjectStatus(
      input({ verdict: { ...dangling, message: 'another' }, observed: failing, now: T1 }),
    );
    expect(otherMessage.conditions?.[0]?.lastTransitionTime).toBe(T0);
    const recovered = desiredObjectStatus(input({ observed: failing, now: T1 }));
    expect(recovered.conditions).toHaveLength(1);
    expect(recovered.conditions?.[0]).toMatchObject({ status: 'True', lastTransitionTime: T1 });
  });

  it('takes the current revision for a new generation', () => {
    const first = desiredObjectStatus(input());
    expect(desiredObjectStatus(input({ generation: 2, observed: first, revision: 'rev-2' })).revision).toBe(
      'rev-2',
    );
  });

  it('drops Reconciling and Stalled conditions that are no longer true', () => {
    const observed = {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Reconciling',
          status: 'True' as const,
          lastTransitionTime: T0,
          reason: 'Progressing',
          message: '',
        },
        { type: 'Stalled', status: 'False' as const, lastTransitionTime: T0, reason: 'x', message: '' },
      ],
    };
    expect(desiredObjectStatus(input({ observed })).conditions?.map((c) => c.type)).toEqual(['Ready']);
  });

  it('caps long messages', () => {
    const status = desiredObjectStatus(input({ verdict: { ...dangling, message: 'x'.repeat(10_000) } }));
    expect(status.conditions?.[0]?.message).toHaveLength(MAX_MESSAGE_LENGTH);
  });
});

function outcome(name: string, ok: boolean, reason = 'Compiled'): ObjectOutcome {
  return {
    kind: 'Flag',
    name,
    namespace: 'shop',
    key: name,
    ready: ok,
    reason: ok ? 'Compiled' : reason,
    message: '',
    servedFromLastGood: false,
  } as ObjectOutcome;
}

describe('desiredFlagNamespaceStatus', () => {
  const base = {
    generation: 2,
    revision: 'abcdef0123456789',
    flags: 3,
    segments: 1,
    sidecars: { connected: 4, inSync: 3 },
    observed: undefined,
    now: T0,
  };

  it('aggregates the rule set and sidecar counts and is Ready when every object is', () => {
    const status = desiredFlagNamespaceStatus({ ...base, objects: [outcome('a', true)] });
    expect(status).toMatchObject({
      observedGeneration: 2,
      revision: 'abcdef0123456789',
      flags: 3,
      segments: 1,
      sidecars: { connected: 4, inSync: 3 },
    });
    expect(status.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'True',
        reason: 'Published',
        message: 'rule set abcdef012345 serves 3 flags and 1 segment',
      }),
    ]);
  });

  it('names the objects that are not ready, up to five', () => {
    const objects = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => outcome(n, false, 'SegmentNotFound'));
    const status = desiredFlagNamespaceStatus({ ...base, objects: [outcome('ok', true), ...objects] });
    const readyCondition = status.conditions?.[0];
    expect(readyCondition).toMatchObject({ status: 'False', reason: 'ObjectsNotReady' });
    expect(readyCondition?.message).toBe(
      '7 objects not ready: Flag a (SegmentNotFound), Flag b (SegmentNotFound), Flag c (SegmentNotFound), Flag d (SegmentNotFound), Flag e (SegmentNotFound) and 2 more; rule set abcdef012345 serves 3 flags and 1 segment',
    );
    expect(status.conditions?.[1]).toMatchObject({ type: 'Stalled', status: 'True' });
  });

  it('changes when the sidecar counts change', () => {
    const first = desiredFlagNamespaceStatus({ ...base, objects: [] });
    const same = desiredFlagNamespaceStatus({ ...base, objects: [], observed: first, now: T1 });
    const moved = desiredFlagNamespaceStatus({
      ...base,
      objects: [],
      observed: first,
      sidecars: { connected: 4, inSync: 4 },
    });
    expect(statusEquals(same, first)).toBe(true);
    expect(statusEquals(moved, first)).toBe(false);
  });

  it('reports un-injected pods in SidecarsInjected without touching Ready', () => {
    const uninjected = { count: 7, names: ['a', 'b', 'c', 'd', 'e'] };
    const status = desiredFlagNamespaceStatus({ ...base, objects: [outcome('ok', true)], uninjected });
    expect(status.uninjectedPods).toBe(7);
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
      ['SidecarsInjected', 'False'],
    ]);
    expect(status.conditions?.[1]).toMatchObject({
      reason: 'UninjectedPods',
      observedGeneration: 2,
      message:
        '7 pods opted in to the Ensign sidecar but run without it: a, b, c, d, e and 2 more; recreate them once the injection webhook is up',
    });
    const fixed = desiredFlagNamespaceStatus({
      ...base,
      objects: [outcome('ok', true)],
      uninjected: { count: 0, names: [] },
      observed: status,
      now: T1,
    });
    expect(fixed.uninjectedPods).toBe(0);
    expect(fixed.conditions?.[1]).toMatchObject({
      type: 'SidecarsInjected',
      status: 'True',
      reason: 'AllPodsInjected',
      lastTransitionTime: T1,
    });
  });

  it('keeps the observed SidecarsInjected while the pods are not known (a new leader still listing)', () => {
    const known = desiredFlagNamespaceStatus({
      ...base,
      objects: [],
      uninjected: { count: 1, names: ['a'] },
    });
    const unknown = desiredFlagNamespaceStatus({ ...base, objects: [], observed: known, now: T1 });
    expect(statusEquals(unknown, known)).toBe(true);
    expect(desiredFlagNamespaceStatus({ ...base, objects: [] }).uninjectedPods).toBeUndefined();
  });
});

describe('statusMergePatch', () => {
  it('sends the desired status, nulls for keys that must go, and the resourceVersion precondition', () => {
    const observed = { observedGeneration: 1, revision: 'r', conditions: [] };
    expect(statusMergePatch({ observedGeneration: 2, conditions: [] }, observed, '42')).toEqual({
      metadata: { resourceVersion: '42' },
      status: { observedGeneration: 2, conditions: [], revision: null },
    });
    expect(statusMergePatch({ observedGeneration: 2 }, undefined, undefined)).toEqual({
      status: { observedGeneration: 2 },
    });
  });
});

describe('statusEquals', () => {
  it('ignores key order and absent keys but not values', () => {
    expect(statusEquals({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(statusEquals({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(statusEquals({ a: 1 }, { a: 2 })).toBe(false);
    expect(statusEquals({ a: 1 }, undefined)).toBe(false);
  });
});

describe('eventForTransition', () => {
  const good = desiredObjectStatus(input());
  const bad = desiredObjectStatus(input({ verdict: dangling }));

  it('warns when an object becomes not ready, with the compiler reason', () => {
    expect(eventForTransition(good, bad)).toEqual({
      type: 'Warning',
      reason: 'SegmentNotFound',
      note: dangling.message,
    });
    expect(eventForTransition(undefined, bad)).toMatchObject({ type: 'Warning' });
  });

  it('says Recovered when it becomes ready again', () => {
    expect(eventForTransition(bad, good)).toEqual({
      type: 'Normal',
      reason: 'Recovered',
      note: 'flag "a" compiled',
    });
  });

  it('stays quiet in a steady state and for a first successful compile', () => {
    expect(eventForTransition(bad, bad)).toBeUndefined();
    expect(eventForTransition(good, good)).toBeUndefined();
    expect(eventForTransition(undefined, good)).toBeUndefined();
  });

  it('warns again when the failure changes', () => {
    const other = desiredObjectStatus(
      input({ verdict: { ...dangling, message: 'segment "gold" does not exist' } }),
    );
    expect(eventForTransition(bad, other)).toMatchObject({
      type: 'Warning',
      note: 'segment "gold" does not exist',
    });
  });
});
