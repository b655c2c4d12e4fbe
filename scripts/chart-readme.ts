// The chart README's values table, generated from the `# --` comments in charts/ensign/values.yaml
// (the helm-docs convention): `node scripts/chart-readme.ts --write` rewrites the table,
// `node scripts/chart-readme.ts` exits 1 when README.md and values.yaml drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface ValueDoc {
  /** Dotted path, e.g. `sidecar.image.tag`. */
  readonly key: string;
  readonly type: string;
  /** The value in values.yaml, as compact JSON. */
  readonly default: string;
  readonly description: string;
}

export const VALUES_START = '<!-- values:start -->';
export const VALUES_END = '<!-- values:end -->';

const DOC_LINE = /^\s*# -- ?(.*)$/;
const CONTINUATION = /^\s*#\s?(.*)$/;
const KEY_LINE = /^(\s*)([A-Za-z0-9_./-]+|"[^"]+"|'[^']+'):(\s|$)/;
const TYPE_OVERRIDE = /^\((\w+)\)\s*/;

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

interface Pending {
  lines: string[];
}

/** Documented keys of a values file, in file order: each key line preceded by a `# --` comment. */
export function documentedValues(valuesYaml: string): ValueDoc[] {
  const values: unknown = parse(valuesYaml);
  const docs: ValueDoc[] = [];
  const stack: { indent: number; key: string }[] = [];
  let pending: Pending | undefined;
  for (const line of valuesYaml.split('\n')) {
    const doc = DOC_LINE.exec(line);
    if (doc !== null) {
      pending = { lines: [doc[1] ?? ''] };
      continue;
    }
    const continuation = CONTINUATION.exec(line);
    if (continuation !== null) {
      pending?.lines.push(continuation[1] ?? '');
      continue;
    }
    const keyLine = KEY_LINE.exec(line);
    if (keyLine === null) {
      if (line.trim() !== '') pending = undefined;
      continue;
    }
    const indent = (keyLine[1] ?? '').length;
    const key = (keyLine[2] ?? '').replace(/^["']|["']$/g, '');
    while (stack.length > 0 && (stack.at(-1)?.indent ?? -1) >= indent) stack.pop();
    stack.push({ indent, key });
    if (pending === undefined) continue;
    const path = stack.map((s) => s.key);
    const text = pending.lines.join(' ').trim();
    const override = TYPE_OVERRIDE.exec(text);
    const value = valueAt(values, path);
    docs.push({
      key: path.join('.'),
      type: override?.[1] ?? typeOf(value),
      default: value === undefined ? 'undefined' : JSON.stringify(value),
      description: override === null ? text : text.slice(override[0].length),
    });
    pending = undefined;
  }
  return docs;
}

/**
 * Paths in the values that no `# --` comment covers: a documented key covers everything below it,
 * so only leaves (and empty maps) outside documented subtrees are reported.
 */
export function undocumentedValues(valuesYaml: string, docs: readonly ValueDoc[]): string[] {
  const documented = new Set(docs.map((d) => d.key));
  const missing: string[] = [];
  const walk = (node: unknown, path: readonly string[]): void => {
    const key = path.join('.');
    if (path.length > 0 && documented.has(key)) return;
    const isMap = typeof node === 'object' && node !== null && !Array.isArray(node);
    if (isMap && Object.keys(node).length > 0) {
      for (const [child, value] of Object.entries(node)) walk(value, [...path, child]);
      return;
    }
    missing.push(key);
  };
  walk(parse(valuesYaml), []);
  return missing;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderValuesTable(docs: readonly ValueDoc[]): string {
  const rows = docs.map(
    (d) => `| \`${d.key}\` | ${d.type} | \`${cell(d.default)}\` | ${cell(d.description)} |`,
  );
  return ['| key | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README with the text between the values markers replaced by `table`. */
export function withValuesTable(readme: string, table: string): string {
  const start = readme.indexOf(VALUES_START);
  const end = readme.indexOf(VALUES_END);
  if (start === -1 || end < start) throw new Error(`README has no ${VALUES_START} … ${VALUES_END} section`);
  return `${readme.slice(0, start + VALUES_START.length)}\n${table}\n${readme.slice(end)}`;
}

export const CHART_DIR = fileURLToPath(new URL('../charts/ensign/', import.meta.url));

function main(argv: readonly string[]): number {
  const valuesYaml = readFileSync(`${CHART_DIR}values.yaml`, 'utf8');
  const docs = documentedValues(valuesYaml);
  const missing = undocumentedValues(valuesYaml, docs);
  if (missing.length > 0) {
    process.stderr.write(`values.yaml keys without a "# --" comment: ${missing.join(', ')}\n`);
    return 1;
  }
  const readmePath = `${CHART_DIR}README.md`;
  const readme = readFileSync(readmePath, 'utf8');
  const updated = withValuesTable(readme, renderValuesTable(docs));
  if (argv.includes('--write')) {
    writeFileSync(readmePath, updated);
    return 0;
  }
  if (updated !== readme) {
    process.stderr.write(
      'charts/ensign/README.md is out of date: run node scripts/chart-readme.ts --write\n',
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
