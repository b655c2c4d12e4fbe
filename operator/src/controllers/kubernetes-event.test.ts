import { describe, expect, it } from 'vitest';
import { buildEvent, MAX_NOTE_BYTES } from './kubernetes-event.ts';

const regarding = {
  apiVersion: 'ensign.dev/v1alpha1',
  kind: 'Flag',
  namespace: 'shop',
  name: 'checkout',
  uid: 'u-1',
};

describe('buildEvent', () => {
  it('builds an events.k8s.io/v1 Event about the object, named after it', () => {
    const event = buildEvent({
      regarding,
      decision: { type: 'Warning', reason: 'SegmentNotFound', note: 'segment "vip" does not exist' },
      instance: 'ensign-operator-0_abcd',
      nowMs: Date.UTC(2026, 10, 25, 10, 0, 0, 5),
      suffix: '01',
    });
    expect(event).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `checkout.${Date.UTC(2026, 10, 25, 10, 0, 0, 5).toString(16)}01`, namespace: 'shop' },
      eventTime: '2026-11-25T10:00:00.005000Z',
      reportingController: 'ensign.dev/operator',
      reportingInstance: 'ensign-operator-0_abcd',
      action: 'Compile',
      reason: 'SegmentNotFound',
      type: 'Warning',
      note: 'segment "vip" does not exist',
      regarding,
    });
  });

  it('keeps the note within the API server limit, counting bytes', () => {
    const event = buildEvent({
      regarding,
      decision: { type: 'Warning', reason: 'X', note: 'é'.repeat(2000) },
      instance: 'i',
      nowMs: 0,
      suffix: '',
    });
    expect(Buffer.byteLength(event.note)).toBeLessThanOrEqual(MAX_NOTE_BYTES);
    expect(event.note.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(event.note)).toBeGreaterThan(MAX_NOTE_BYTES - 16);
  });

  it('keeps the name within 253 characters for long object names', () => {
    const long = { ...regarding, name: 'a'.repeat(253) };
    const event = buildEvent({
      regarding: long,
      decision: { type: 'Normal', reason: 'Recovered', note: '' },
      instance: 'i',
      nowMs: 1,
      suffix: 'ff',
    });
    expect(event.metadata.name.length).toBeLessThanOrEqual(253);
  });
});
