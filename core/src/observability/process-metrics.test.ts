import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectProcessMetrics } from './process-metrics.ts';

describe('collectProcessMetrics', () => {
  it('keeps the default metrics under the prefix but no gauge that ends in _total', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry, 'ensign_operator_');
    const metrics = await registry.getMetricsAsJSON();
    const names = metrics.map((m) => m.name);
    expect(names).toContain('ensign_operator_process_cpu_user_seconds_total');
    expect(names).toContain('ensign_operator_nodejs_active_handles');
    expect(metrics.filter((m) => m.name.endsWith('_total') && String(m.type) !== 'counter')).toEqual([]);
  });
});
