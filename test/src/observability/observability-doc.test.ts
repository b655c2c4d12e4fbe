// docs/observability.md's metric tables are the registries' metrics, rendered; they cannot drift.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DOC_FILE, metricCatalog, renderMetricTable, renderedDoc, withTables } from './metric-catalog.ts';

describe('metric reference in docs/observability.md', () => {
  it('is the tables rendered from the registries (node test/src/observability/metric-catalog.ts --write)', async () => {
    const doc = await readFile(DOC_FILE, 'utf8');
    expect(doc).toBe(await renderedDoc(doc));
  });

  it('lists every family with its type, labels and help, one row each', async () => {
    const catalog = await metricCatalog();
    const table = renderMetricTable(catalog.sidecar);
    const rows = table.split('\n').slice(2);
    expect(rows).toHaveLength(catalog.sidecar.length);
    expect(table).toContain(
      '| `ensign_sidecar_evaluations_total` | counter | `api`, `type`, `reason` | Flag evaluations answered, by API, flag type and reason. |',
    );
    expect(catalog.operator.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'ensign_operator_reconciles_total',
        'ensign_operator_workqueue_queue_duration_seconds',
        'ensign_operator_webhook_requests_total',
        'ensign_operator_uninjected_pods',
        'ensign_operator_certificate_expiry_timestamp_seconds',
      ]),
    );
  });

  it('fails loudly when the markers are missing rather than dropping a table', () => {
    expect(() => withTables('# no markers\n', { operator: 'x', sidecar: 'y' })).toThrow(/lacks the markers/);
  });

  // A label named in the metric name as its subject or enum (`…_certificate_expiry…{certificate}`,
  // `…_sync_state{state}`) is the usual pattern; a name that spells out a breakdown is not.
  it('spells no label breakdown into a metric name and ends only counters in _total', async () => {
    const catalog = await metricCatalog();
    for (const family of [...catalog.operator, ...catalog.sidecar]) {
      for (const label of family.labels)
        expect(family.name, label).not.toMatch(new RegExp(`_(by|per)_${label}(_|$)`));
      expect(family.name.endsWith('_total'), family.name).toBe(family.type === 'counter');
      expect(family.help.length, family.name).toBeGreaterThan(10);
    }
  });
});
