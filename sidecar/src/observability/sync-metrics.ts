// Metrics of the sidecar's link to the operator: whether it is connected, how often it had to
// reconnect, how stale its rule sets may be, and rule sets it refused (which means it is serving an
// older revision on purpose).
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SyncState } from '../sync/sync-client.ts';

const STATES: readonly SyncState[] = ['connecting', 'connected', 'disconnected', 'stopped'];

export interface SyncMetrics {
  state(state: SyncState): void;
  reconnected(): void;
  rejected(namespace: string): void;
}

/**
 * How long the served rule sets may have been out of date. While the stream is connected every new
 * revision arrives within the propagation lag, so staleness is 0; after the stream drops, it is the
 * time since it was last connected (since start when it never was). A rule set's age is no measure:
 * a namespace nobody edits keeps one revision for days and is perfectly current.
 */
export function stalenessSeconds(
  now: number,
  link: { readonly connected: boolean; readonly since: number },
): number {
  return link.connected ? 0 : Math.max(0, (now - link.since) / 1000);
}

export function createSyncMetrics(registry: Registry, now: () => number): SyncMetrics {
  const registers = [registry];
  // `since`: when the stream last stopped being connected, or when the process started.
  const link = { connected: false, since: now() };
  const state = new Gauge({
    name: 'ensign_sidecar_sync_state',
    help: 'Connection state of the operator sync stream (1 for the current state).',
    labelNames: ['state'] as const,
    registers,
  });
  for (const s of STATES) state.set({ state: s }, s === 'disconnected' ? 1 : 0);
  new Gauge({
    name: 'ensign_sidecar_ruleset_staleness_seconds',
    help: 'Seconds the served rule sets may have been out of date: 0 while the operator stream is connected, else the time since it last was (since start if never).',
    registers,
    collect() {
      this.set(stalenessSeconds(now(), link));
    },
  });
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
      const connected = current === 'connected';
      if (link.connected && !connected) link.since = now();
      link.connected = connected;
    },
    reconnected: () => {
      reconnects.inc();
    },
    rejected: (namespace) => {
      rejected.inc({ namespace });
    },
  };
}
