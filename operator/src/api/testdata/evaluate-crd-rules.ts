// Test support: evaluates the x-kubernetes-validations of a generated CRD schema over an object the
// way the API server does on create (prune unknown fields, drop disallowed nulls, apply defaults,
// then every rule with `self` bound to its node), using @bufbuild/cel instead of the API server.
// This checks the CEL text in the YAML itself, independently of its TypeScript mirror.
import {
  CelScalar,
  celEnv,
  celMethod,
  isCelError,
  listType,
  parse,
  plan,
  type CelInput,
  type CelResult,
} from '@bufbuild/cel';
import type { XValidation } from '../cel-rule.ts';
import type { SchemaNode } from '../crd-schema.ts';

export interface RuleFailure {
  /** Kubernetes field path: the node's path plus the rule's fieldPath. */
  path: string;
  message: string;
  rule: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// The Kubernetes CEL list library's sum(); @bufbuild/cel implements only standard CEL.
const sum = celMethod('sum', listType(CelScalar.DYN), [], CelScalar.DYN, function () {
  let total = 0;
  for (const item of this) total += Number(item);
  return total;
});

const env = celEnv({ funcs: [sum] });
const compiled = new Map<string, (bindings: Record<string, CelInput>) => CelResult>();

function compile(rule: string): (bindings: Record<string, CelInput>) => CelResult {
  let program = compiled.get(rule);
  if (program === undefined) {
    program = plan(env, parse(rule));
    compiled.set(rule, program);
  }
  return program;
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function node(value: unknown): SchemaNode | undefined {
  return isObject(value) ? value : undefined;
}

function childSchema(schema: SchemaNode, key: string): SchemaNode | undefined {
  return node(node(schema.properties)?.[key]) ?? node(schema.additionalProperties);
}

const isOpaque = (schema: SchemaNode): boolean => schema['x-kubernetes-preserve-unknown-fields'] === true;

/** Pruning, null dropping and defaulting, in the API server's order. */
function normalize(value: Json, schema: SchemaNode): Json {
  if (isOpaque(schema)) return value;
  if (Array.isArray(value)) {
    const items = node(schema.items);
    return items === undefined ? value : value.map((item) => normalize(item, items));
  }
  if (!isObject(value)) return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const childNode = childSchema(schema, key);
    if (childNode === undefined) continue;
    if (child === null && childNode.nullable !== true) continue;
    out[key] = normalize(child, childNode);
  }
  for (const [key, property] of Object.entries(node(schema.properties) ?? {})) {
    const defaultValue = node(property)?.default as Json | undefined;
    if (!(key in out) && defaultValue !== undefined) {
      out[key] = normalize(structuredClone(defaultValue), property as SchemaNode);
    }
  }
  return out;
}

/** JSON → CEL input: objects become maps, integers become CEL ints, opaque JSON is invisible. */
function toCel(value: Json, schema: SchemaNode): CelInput {
  if (Array.isArray(value)) {
    const items = node(schema.items) ?? {};
    return value.map((item) => toCel(item, items));
  }
  if (isObject(value)) {
    const entries: [string, CelInput][] = [];
    for (const [key, child] of Object.entries(value)) {
      const childNode = childSchema(schema, key) ?? {};
      if (!isOpaque(childNode)) entries.push([key, toCel(child, childNode)]);
    }
    return new Map(entries);
  }
  if (typeof value === 'number' && schema.type === 'integer') return BigInt(value);
  return value;
}

function joinPath(base: string, fieldPath: string | undefined): string {
  const path = base + (fieldPath ?? '');
  return path.startsWith('.') ? path.slice(1) : path;
}

function evaluateNode(value: Json, schema: SchemaNode, path: string, failures: RuleFailure[]): void {
  if (isOpaque(schema)) return;
  const rules = (schema['x-kubernetes-validations'] ?? []) as XValidation[];
  if (rules.length > 0) {
    const self = toCel(value, schema);
    for (const rule of rules) {
      const result = compile(rule.rule)({ self });
      if (isCelError(result))
        throw new Error(`${path}: rule ${rule.rule} failed to evaluate: ${result.message}`);
      if (result !== true)
        failures.push({ path: joinPath(path, rule.fieldPath), message: rule.message, rule: rule.rule });
    }
  }
  if (Array.isArray(value)) {
    const items = node(schema.items);
    if (items !== undefined) {
      for (const [i, item] of value.entries()) evaluateNode(item, items, `${path}[${i}]`, failures);
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childNode = childSchema(schema, key);
      if (childNode !== undefined)
        evaluateNode(child, childNode, path === '' ? key : `${path}.${key}`, failures);
    }
  }
}

/** Every rule of `schema` (an openAPIV3Schema) that `object` violates. */
export function evaluateCrdRules(schema: SchemaNode, object: unknown): RuleFailure[] {
  const value = object as Json;
  const normalized = normalize(value, schema);
  // The API server gives root rules metadata.name and generateName; the schema describes neither.
  const metadata = isObject(value) ? node(value.metadata) : undefined;
  if (isObject(normalized) && metadata !== undefined) {
    normalized.metadata = Object.fromEntries(
      Object.entries(metadata).filter(([key]) => key === 'name' || key === 'generateName'),
    ) as Json;
  }
  const failures: RuleFailure[] = [];
  const rootSchema: SchemaNode = {
    ...schema,
    properties: { ...node(schema.properties), metadata: metadataSchema },
  };
  evaluateNode(normalized, rootSchema, '', failures);
  return failures;
}

const metadataSchema: SchemaNode = {
  type: 'object',
  properties: { name: { type: 'string' }, generateName: { type: 'string' } },
};
