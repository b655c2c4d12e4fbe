// Reads samples from Prometheus text exposition (the operator's /metrics).

/** Values of `metric`'s samples keyed by one label's value (samples without the label are skipped). */
export function samplesByLabel(text: string, metric: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  const prefix = `${metric}{`;
  const labelPrefix = `${label}="`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.indexOf('}');
    const labels = line.slice(prefix.length, close);
    const start = labels.indexOf(labelPrefix);
    if (start < 0) continue;
    const valueStart = start + labelPrefix.length;
    const key = labels.slice(valueStart, labels.indexOf('"', valueStart));
    out.set(key, Number(line.slice(close + 1).trim()));
  }
  return out;
}

/** The unlabelled sample `metric value` (e.g. a histogram's `_sum` / `_count`); undefined when absent. */
export function sample(text: string, metric: string): number | undefined {
  const prefix = `${metric} `;
  for (const line of text.split('\n')) if (line.startsWith(prefix)) return Number(line.slice(prefix.length));
  return undefined;
}
