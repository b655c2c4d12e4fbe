import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createSyncMetrics } from './sync-metrics.ts';

async function gauge(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  if (found === undefined) throw new Error(`${name} has no series ${JSON.stringify(labels)}`);
  return found.value;
}

function setup() {
  const clock = { ms: 1_000_000 };
  const registry = new Registry();
  const metrics = createSyncMetrics(registry, () => clock.ms);
  return { clock, registry, metrics };
}

describe('sync metrics', () => {
  it('counts staleness from start until the first connection, then holds it at 0 while connected', async () => {
    const { clock, registry, metrics } = setup();
    clock.ms += 4_000;
    expect(await gauge(registry, 'ensign_sidecar_ruleset_staleness_seconds')).toBe(4);
    metrics.state('connecting');
    metrics.state('connected');
    clock.ms += 60_000;
    expect(await gauge(registry, 'ensign_sidecar_ruleset_staleness_seconds')).toBe(0);
  });

  it('counts staleness from the moment the stream stopped being connected, across reconnect attempts', async () => {
    const { clock, registry, metrics } = setup();
    metrics.state('connected');
    clock.ms += 10_000;
    metrics.state('disconnected');
    clock.ms += 2_500;
    metrics.state('connecting');
    clock.ms += 500;
    metrics.state('disconnected');
    expect(await gauge(registry, 'ensign_sidecar_ruleset_staleness_seconds')).toBe(3);
  });

  it('marks exactly the current sync state with 1', async () => {
    const { registry, metrics } = setup();
    expect(await gauge(registry, 'ensign_sidecar_sync_state', { state: 'disconnected' })).toBe(1);
    metrics.state('connected');
    expect(await gauge(registry, 'ensign_sidecar_sync_state', { state: 'connected' })).toBe(1);
    expect(await gauge(registry, 'ensign_sidecar_sync_state', { state: 'disconnected' })).toBe(0);
  });

  it('counts reconnects and rejected rule sets per namespace', async () => {
    const { registry, metrics } = setup();
    metrics.reconnected();
    metrics.reconnected();
    metrics.rejected('shop');
    expect(await gauge(registry, 'ensign_sidecar_sync_reconnects_total')).toBe(2);
    expect(await gauge(registry, 'ensign_sidecar_ruleset_rejected_total', { namespace: 'shop' })).toBe(1);
  });
});
