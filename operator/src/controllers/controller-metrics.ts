// Metrics of the cluster controller, registered on the operator's registry. Labels are kinds,
// causes and results: bounded sets, never object names.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ControllerMetrics {
  readonly reconciles: Counter<'result'>;
  readonly reconcileSeconds: Histogram;
  readonly queueDepth: Gauge;
  readonly queueWaitSeconds: Histogram;
  readonly queueRetries: Counter;
  readonly statusPatches: Counter;
  readonly events: Counter;
  readonly watchRestarts: Counter<'kind' | 'cause'>;
  readonly invalidObjects: Counter<'kind'>;
  readonly secondsSinceWatchEvent: Gauge<'kind'>;
  readonly leader: Gauge;
  /** Adds a reader of `[kind, seconds since its last watch event]` pairs, read at scrape time. */
  addWatchAgeSource(source: () => readonly (readonly [string, number])[]): void;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  const ageSources: (() => readonly (readonly [string, number])[])[] = [];
  return {
    addWatchAgeSource: (source) => {
      ageSources.push(source);
    },
    reconciles: new Counter({
      name: 'ensign_operator_reconciles_total',
      help: 'Namespace reconciles by result (success, error, panic).',
      labelNames: ['result'],
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: 'ensign_operator_reconcile_duration_seconds',
      help: 'Time to reconcile one namespace: compile, publish and status writes.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'ensign_operator_workqueue_depth',
      help: 'Namespaces waiting to be reconciled.',
      registers,
    }),
    queueWaitSeconds: new Histogram({
      name: 'ensign_operator_workqueue_queue_duration_seconds',
      help: 'Time a namespace waited in the work queue, from being added to a worker taking it.',
      buckets: [0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    queueRetries: new Counter({
      name: 'ensign_operator_workqueue_retries_total',
      help: 'Namespaces put back in the work queue with backoff after a failed reconcile.',
      registers,
    }),
    statusPatches: new Counter({
      name: 'ensign_operator_status_patches_total',
      help: 'Status subresource patches written (leader only).',
      registers,
    }),
    events: new Counter({
      name: 'ensign_operator_events_total',
      help: 'Kubernetes Events recorded (leader only).',
      registers,
    }),
    watchRestarts: new Counter({
      name: 'ensign_operator_watch_restarts_total',
      help: 'List/watch restarts by kind and cause (error, gone = relist after 410, stale = watchdog, resync).',
      labelNames: ['kind', 'cause'],
      registers,
    }),
    invalidObjects: new Counter({
      name: 'ensign_operator_invalid_objects_total',
      help: 'Objects from the API server that failed to parse (their last parsed version is kept).',
      labelNames: ['kind'],
      registers,
    }),
    secondsSinceWatchEvent: new Gauge({
      name: 'ensign_operator_seconds_since_watch_event',
      help: 'Seconds since the last list or watch event (bookmarks included) per kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const source of ageSources) for (const [kind, seconds] of source()) this.set({ kind }, seconds);
      },
    }),
    leader: new Gauge({
      name: 'ensign_operator_leader',
      help: '1 while this replica holds the leader Lease (writes status and Events).',
      registers,
    }),
  };
}
