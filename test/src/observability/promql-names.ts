// Which metric names a PromQL expression uses, and whether the operator and sidecar export them.
import { metricCatalog, seriesNames } from './metric-catalog.ts';

/** Every `ensign_…` metric name in the expression (Ensign's metrics are the only ones we query). */
export function ensignNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bensign_[a-zA-Z0-9_]+/g) ?? [])];
}

/** Every series name the catalog's families expose. */
export async function exportedSeriesNames(): Promise<Set<string>> {
  const catalog = await metricCatalog();
  return new Set([...catalog.operator, ...catalog.sidecar].flatMap(seriesNames));
}

/** Names in `exprs` that no registry exports, with the expression they appear in. */
export async function unknownNames(exprs: readonly string[]): Promise<{ name: string; expr: string }[]> {
  const known = await exportedSeriesNames();
  return exprs.flatMap((expr) =>
    ensignNamesIn(expr)
      .filter((name) => !known.has(name))
      .map((name) => ({ name, expr })),
  );
}
