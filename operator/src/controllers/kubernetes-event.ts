// The events.k8s.io/v1 Event the operator records about a Flag or Segment. Pure: the caller
// passes the time and a unique suffix.
import { microTime } from '../runtime/leader-election.ts';
import type { EventDecision } from './status.ts';

export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
}

export interface KubernetesEvent {
  apiVersion: 'events.k8s.io/v1';
  kind: 'Event';
  metadata: { name: string; namespace: string };
  eventTime: string;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  type: 'Normal' | 'Warning';
  note: string;
  regarding: ObjectReference;
}

export const REPORTING_CONTROLLER = 'ensign.dev/operator';
export const EVENT_ACTION = 'Compile';
/** The API server's limit on `note`. */
export const MAX_NOTE_BYTES = 1024;

export interface EventInput {
  readonly regarding: ObjectReference;
  readonly decision: EventDecision;
  /** This replica's identity (leader election identity). */
  readonly instance: string;
  readonly nowMs: number;
  /** Makes the name unique when two events share a millisecond. */
  readonly suffix: string;
}

export function buildEvent(input: EventInput): KubernetesEvent {
  const { regarding, decision } = input;
  const stamp = `${input.nowMs.toString(16)}${input.suffix}`;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${regarding.name.slice(0, 253 - stamp.length - 1)}.${stamp}`,
      namespace: regarding.namespace,
    },
    eventTime: microTime(input.nowMs),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: input.instance.slice(0, 128),
    action: EVENT_ACTION,
    reason: decision.reason,
    type: decision.type,
    note: truncateBytes(decision.note, MAX_NOTE_BYTES),
    regarding,
  };
}

/** Cuts UTF-8 text to at most `max` bytes on a character boundary, marking the cut with '…'. */
function truncateBytes(text: string, max: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= max) return text;
  let cut = max - Buffer.byteLength('…');
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return `${bytes.subarray(0, cut).toString('utf8')}…`;
}
