// The Grafana dashboard shipped in the chart (charts/ensign/dashboards/ensign-overview.json), built
// from a short description of its panels so the JSON stays regular. Regenerate the file with
//   node test/src/observability/ensign-dashboard.ts --write
// (formatted by prettier). ensign-dashboard.test.ts checks that the file holds this dashboard, that every query names only
// metrics the operator and sidecar export, and that every query is valid PromQL.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_FILE = fileURLToPath(
  new URL('../../../charts/ensign/dashboards/ensign-overview.json', import.meta.url),
);

type Unit = 's' | 'bytes' | 'short' | 'reqps' | 'ops' | 'none' | 'dtdurations';

interface Query {
  readonly expr: string;
  readonly legend: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'stat';
  readonly unit: Unit;
  readonly queries: readonly Query[];
  /** Grid width out of 24; height is fixed per kind. */
  readonly width: number;
  /** Stat panels: value at or above which the panel turns red (undefined: no thresholds). */
  readonly redAt?: number;
  /** Stat panels: value below which the panel turns red (e.g. no leader). */
  readonly redBelow?: number;
}

interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const rate = (selector: string): string => `rate(${selector}[$__rate_interval])`;
const quantile = (q: number, bucket: string, by = ''): string =>
  `histogram_quantile(${q}, sum by (le${by}) (${rate(bucket)}))`;
const NS = 'namespace=~"$namespace"';

const ROWS: readonly RowSpec[] = [
  {
    title: 'Operator health',
    panels: [
      {
        title: 'Leader',
        description:
          'Replicas holding the leader Lease (1 expected). 0 for 5 minutes fires EnsignOperatorNotLeading.',
        kind: 'stat',
        unit: 'short',
        width: 4,
        redBelow: 1,
        queries: [{ expr: 'sum(ensign_operator_leader)', legend: 'leaders' }],
      },
      {
        title: 'Operator replicas',
        description: 'Operator replicas reporting metrics.',
        kind: 'stat',
        unit: 'short',
        width: 4,
        redBelow: 1,
        queries: [{ expr: 'count(ensign_operator_leader)', legend: 'replicas' }],
      },
      {
        title: 'Reconciles',
        description: 'Namespace reconciles per second by result. Errors and panics are retried with backoff.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          { expr: `sum by (result) (${rate('ensign_operator_reconciles_total')})`, legend: '{{result}}' },
        ],
      },
      {
        title: 'Reconcile and compile duration (p99)',
        description: 'Time to reconcile one namespace (compile, publish, status writes) and to compile it.',
        kind: 'timeseries',
        unit: 's',
        width: 8,
        queries: [
          { expr: quantile(0.99, 'ensign_operator_reconcile_duration_seconds_bucket'), legend: 'reconcile' },
          { expr: quantile(0.99, 'ensign_operator_compile_duration_seconds_bucket'), legend: 'compile' },
        ],
      },
      {
        title: 'Work queue depth',
        description: 'Namespaces waiting for a worker, per replica.',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        queries: [{ expr: 'max by (instance) (ensign_operator_workqueue_depth)', legend: '{{instance}}' }],
      },
      {
        title: 'Work queue wait (p50, p99)',
        description: 'Time from a namespace being queued to a worker taking it.',
        kind: 'timeseries',
        unit: 's',
        width: 8,
        queries: [
          { expr: quantile(0.5, 'ensign_operator_workqueue_queue_duration_seconds_bucket'), legend: 'p50' },
          { expr: quantile(0.99, 'ensign_operator_workqueue_queue_duration_seconds_bucket'), legend: 'p99' },
        ],
      },
      {
        title: 'Watch restarts',
        description: 'List/watch restarts against the API server by kind and cause.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (kind, cause) (${rate('ensign_operator_watch_restarts_total')})`,
            legend: '{{kind}} {{cause}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Propagation',
    panels: [
      {
        title: 'Propagation lag (p50, p99)',
        description:
          'Time from the operator publishing a rule set to a sidecar acknowledging it (target p99 250 ms).',
        kind: 'timeseries',
        unit: 's',
        width: 12,
        queries: [
          { expr: quantile(0.5, 'ensign_operator_propagation_seconds_bucket'), legend: 'p50' },
          { expr: quantile(0.99, 'ensign_operator_propagation_seconds_bucket'), legend: 'p99' },
        ],
      },
      {
        title: 'Sidecars connected and in sync',
        description:
          'Sidecars streaming each namespace, and those on its current revision (summed over replicas).',
        kind: 'timeseries',
        unit: 'short',
        width: 12,
        queries: [
          {
            expr: `sum by (namespace) (ensign_operator_sidecars_connected{${NS}})`,
            legend: '{{namespace}} connected',
          },
          {
            expr: `sum by (namespace) (ensign_operator_sidecars_in_sync{${NS}})`,
            legend: '{{namespace}} in sync',
          },
        ],
      },
      {
        title: 'Flags per namespace',
        description: 'Flags in each namespace rule set.',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        queries: [
          { expr: `max by (namespace) (ensign_operator_ruleset_flags{${NS}})`, legend: '{{namespace}}' },
        ],
      },
      {
        title: 'Rule set size',
        description: 'Encoded size of each namespace rule set sent to sidecars.',
        kind: 'timeseries',
        unit: 'bytes',
        width: 8,
        queries: [
          { expr: `max by (namespace) (ensign_operator_ruleset_bytes{${NS}})`, legend: '{{namespace}}' },
        ],
      },
      {
        title: 'Compiler diagnostics',
        description: 'Objects not compiled fresh (their last good version is served) per namespace.',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        queries: [
          { expr: `max by (namespace) (ensign_operator_diagnostics{${NS}})`, legend: '{{namespace}}' },
        ],
      },
    ],
  },
  {
    title: 'Evaluations',
    panels: [
      {
        title: 'Evaluation rate by reason',
        description: 'Flag evaluations answered per second by all sidecars, by reason.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          { expr: `sum by (reason) (${rate('ensign_sidecar_evaluations_total')})`, legend: '{{reason}}' },
        ],
      },
      {
        title: 'Evaluation rate by API',
        description: 'Flag evaluations per second by API (grpc, http, ofrep, snapshot) and flag type.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (api, type) (${rate('ensign_sidecar_evaluations_total')})`,
            legend: '{{api}} {{type}}',
          },
        ],
      },
      {
        title: 'Evaluation errors',
        description: 'Failed evaluation requests or batch items per second, by API and outcome.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (api, code) (${rate('ensign_sidecar_evaluation_errors_total')})`,
            legend: '{{api}} {{code}}',
          },
        ],
      },
      {
        title: 'Evaluation latency (p50, p99)',
        description: 'Time to answer one evaluation request inside the sidecar, by API.',
        kind: 'timeseries',
        unit: 's',
        width: 24,
        queries: [
          {
            expr: quantile(0.5, 'ensign_sidecar_evaluation_duration_seconds_bucket', ', api'),
            legend: '{{api}} p50',
          },
          {
            expr: quantile(0.99, 'ensign_sidecar_evaluation_duration_seconds_bucket', ', api'),
            legend: '{{api}} p99',
          },
        ],
      },
    ],
  },
  {
    title: 'Sidecar sync and staleness',
    panels: [
      {
        title: 'Worst staleness',
        description:
          'Longest time any sidecar has been without the operator (0 while connected). Over 5 minutes for 5 minutes fires EnsignSidecarStale.',
        kind: 'stat',
        unit: 's',
        width: 6,
        redAt: 300,
        queries: [{ expr: 'max(ensign_sidecar_ruleset_staleness_seconds)', legend: 'staleness' }],
      },
      {
        title: 'Sidecars not connected',
        description: 'Sidecars whose operator stream is not connected right now.',
        kind: 'stat',
        unit: 'short',
        width: 6,
        redAt: 1,
        queries: [
          {
            expr: 'count(ensign_sidecar_sync_state{state="connected"} == 0) or vector(0)',
            legend: 'not connected',
          },
        ],
      },
      {
        title: 'Reconnects',
        description:
          'Sidecar reconnects to the operator per second (connections are recycled every few minutes by design).',
        kind: 'timeseries',
        unit: 'ops',
        width: 6,
        queries: [{ expr: `sum(${rate('ensign_sidecar_sync_reconnects_total')})`, legend: 'reconnects' }],
      },
      {
        title: 'Rejected rule sets',
        description: 'Rule sets sidecars refused (last good kept) per namespace, over the last hour.',
        kind: 'timeseries',
        unit: 'short',
        width: 6,
        queries: [
          {
            expr: `sum by (namespace) (increase(ensign_sidecar_ruleset_rejected_total{${NS}}[1h]))`,
            legend: '{{namespace}}',
          },
        ],
      },
      {
        title: 'Sidecars by sync state',
        description: 'Sidecars in each operator stream state.',
        kind: 'timeseries',
        unit: 'short',
        width: 12,
        queries: [{ expr: 'sum by (state) (ensign_sidecar_sync_state)', legend: '{{state}}' }],
      },
      {
        title: 'Rule set age',
        description:
          'Time since the served revision was applied, oldest sidecar per namespace. Large values are normal for namespaces nobody edits.',
        kind: 'timeseries',
        unit: 's',
        width: 12,
        queries: [
          { expr: `max by (namespace) (ensign_sidecar_ruleset_age_seconds{${NS}})`, legend: '{{namespace}}' },
        ],
      },
    ],
  },
  {
    title: 'Authentication',
    panels: [
      {
        title: 'Caller authentication results',
        description:
          'Sidecar caller authentication and authorisation results per second, by method and result.',
        kind: 'timeseries',
        unit: 'ops',
        width: 12,
        queries: [
          {
            expr: `sum by (method, result) (${rate('ensign_sidecar_auth_results_total')})`,
            legend: '{{method}} {{result}}',
          },
        ],
      },
      {
        title: 'Authentication failures',
        description: 'Callers refused (unauthenticated, denied) or not checkable (unavailable) per second.',
        kind: 'timeseries',
        unit: 'ops',
        width: 12,
        queries: [
          {
            expr: `sum by (result) (${rate('ensign_sidecar_auth_results_total{result!="authenticated"}')})`,
            legend: '{{result}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Injection and certificates',
    panels: [
      {
        title: 'Webhook requests',
        description: 'Admission reviews answered by the injection webhook per second, by result.',
        kind: 'timeseries',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (result) (${rate('ensign_operator_webhook_requests_total')})`,
            legend: '{{result}}',
          },
        ],
      },
      {
        title: 'Webhook latency (p99)',
        description: 'Time to answer one admission review.',
        kind: 'timeseries',
        unit: 's',
        width: 8,
        queries: [{ expr: quantile(0.99, 'ensign_operator_webhook_duration_seconds_bucket'), legend: 'p99' }],
      },
      {
        title: 'Un-injected pods',
        description: 'Pods that opted in but were created without the sidecar, per namespace.',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        queries: [
          { expr: `max by (namespace) (ensign_operator_uninjected_pods{${NS}})`, legend: '{{namespace}}' },
        ],
      },
      {
        title: 'Certificate lifetime left',
        description: 'Time until each certificate the operator serves or trusts expires.',
        kind: 'timeseries',
        unit: 'dtdurations',
        width: 24,
        queries: [
          {
            expr: 'min by (certificate) (ensign_operator_certificate_expiry_timestamp_seconds) - time()',
            legend: '{{certificate}}',
          },
        ],
      },
    ],
  },
];

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const HEIGHT = { stat: 5, timeseries: 8 } as const;

function thresholds(panel: PanelSpec): object {
  const steps =
    panel.redBelow !== undefined
      ? [
          { color: 'red', value: null },
          { color: 'green', value: panel.redBelow },
        ]
      : panel.redAt !== undefined
        ? [
            { color: 'green', value: null },
            { color: 'red', value: panel.redAt },
          ]
        : [{ color: 'green', value: null }];
  return { mode: 'absolute', steps };
}

function panelJson(panel: PanelSpec, id: number, x: number, y: number): object {
  return {
    id,
    type: panel.kind,
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos: { h: HEIGHT[panel.kind], w: panel.width, x, y },
    fieldConfig: { defaults: { unit: panel.unit, thresholds: thresholds(panel) }, overrides: [] },
    options:
      panel.kind === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background' }
        : {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi' },
          },
    targets: panel.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend,
    })),
  };
}

/** Lays the rows out on Grafana's 24-column grid, left to right, wrapping when a row is full. */
export function renderDashboard(): object {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      if (x + panel.width > 24) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      panels.push(panelJson(panel, id++, x, y));
      x += panel.width;
      lineHeight = Math.max(lineHeight, HEIGHT[panel.kind]);
    }
    y += lineHeight;
  }
  return {
    title: 'Ensign overview',
    uid: 'ensign-overview',
    description: 'Ensign operator health, propagation, sidecar evaluations, staleness and authentication.',
    tags: ['ensign', 'feature-flags'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
        },
        {
          name: 'namespace',
          label: 'Flag namespace',
          type: 'query',
          datasource: DATASOURCE,
          // A plain string: every Grafana version reads it (newer ones migrate it to their object form).
          query: 'label_values(ensign_operator_ruleset_flags, namespace)',
          definition: 'label_values(ensign_operator_ruleset_flags, namespace)',
          includeAll: true,
          allValue: '.*',
          multi: true,
          current: { text: 'All', value: '$__all' },
          refresh: 2,
          sort: 1,
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

export function dashboardText(): string {
  return `${JSON.stringify(renderDashboard(), null, 2)}\n`;
}

/** Every PromQL expression of the dashboard: panel targets and template variable queries. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (typeof node === 'object' && node !== null)
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') out.push(value);
        else visit(value);
      }
  };
  visit(dashboard);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const prettier = await import('prettier');
  const options = { ...(await prettier.resolveConfig(DASHBOARD_FILE)), filepath: DASHBOARD_FILE };
  writeFileSync(DASHBOARD_FILE, await prettier.format(dashboardText(), options));
  process.stdout.write(`wrote ${DASHBOARD_FILE}\n`);
}
