// Metrics of the sidecar's link to the operator: whether it is connected, how often it had to
// reconnect, and rule sets it refused (which means it is serving an older revision on purpose).
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SyncState } from '../sync/sync-client.ts';

const STATES: readonly SyncState[] = ['connecting', 'connected', 'disconnected', 'stopped'];

export interface SyncMetrics {
  state(state: SyncState): void;
  reconnected(): void;
  rejected(namespace: string): void;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  const state = new Gauge({
    name: 'ensign_sidecar_sync_state',
    help: 'Connection state of the operator sync stream (1 for the current state).',
    labelNames: ['state'] as const,
    registers,
  });
  for (const s of STATES) state.set({ state: s }, s === 'disconnected' ? 1 : 0);
  const reconnects = new Counter({
    name: 'ensign_sidecar_sync_reconnects_total',
    help: 'Times the sidecar scheduled a reconnect to the operator.',
    registers,
  });
  const rejected = new Counter({
    name: 'ensign_sidecar_ruleset_rejected_total',
    help: 'Rule sets received from the operator that failed to index; the last good one kept serving.',
    labelNames: ['namespace'] as const,
    registers,
  });
  return {
    state(current) {
      for (const s of STATES) state.set({ state: s }, s === current ? 1 : 0);
    },
    reconnected: () => {
      reconnects.inc();
    },
    rejected: (namespace) => {
      rejected.inc({ namespace });
    },
  };
}
