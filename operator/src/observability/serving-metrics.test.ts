import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerServingMetrics, type ServingView } from './serving-metrics.ts';

function view(state: Record<string, { revision: string; connected: number; inSync: number }>): ServingView {
  return {
    namespaces: () => Object.keys(state),
    revision: (ns) => state[ns]?.revision,
    sidecars: (ns) => ({ connected: state[ns]?.connected ?? 0, inSync: state[ns]?.inSync ?? 0 }),
  };
}

async function values(registry: Registry, name: string): Promise<Record<string, unknown>[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} not registered`);
  return (await metric.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('registerServingMetrics', () => {
  it('reports each namespace revision and its connected and in-sync sidecars at scrape time', async () => {
    const registry = new Registry();
    const state = { shop: { revision: 'r1', connected: 3, inSync: 2 } };
    registerServingMetrics(registry, view(state));
    expect(await values(registry, 'ensign_operator_ruleset_revision_info')).toEqual([
      { namespace: 'shop', revision: 'r1', value: 1 },
    ]);
    expect(await values(registry, 'ensign_operator_sidecars_connected')).toEqual([
      { namespace: 'shop', value: 3 },
    ]);
    expect(await values(registry, 'ensign_operator_sidecars_in_sync')).toEqual([
      { namespace: 'shop', value: 2 },
    ]);
  });

  it('drops the series of an old revision and of a namespace no longer served', async () => {
    const registry = new Registry();
    const state: Record<string, { revision: string; connected: number; inSync: number }> = {
      shop: { revision: 'r1', connected: 1, inSync: 1 },
      gone: { revision: 'g1', connected: 1, inSync: 0 },
    };
    registerServingMetrics(registry, view(state));
    await registry.metrics();
    state.shop = { revision: 'r2', connected: 1, inSync: 0 };
    delete state.gone;
    const text = await registry.metrics();
    expect(text).toContain('ensign_operator_ruleset_revision_info{namespace="shop",revision="r2"} 1');
    expect(text).not.toContain('revision="r1"');
    expect(text).not.toContain('gone');
  });
});
