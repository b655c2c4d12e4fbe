// The boundary parsers for Ensign resources: unknown input (YAML from disk in local mode, objects
// from the API server) → typed Flag / Segment / FlagNamespace, or the list of problems with
// Kubernetes-style field paths. They reproduce what the API server does on create, in its order:
// drop nulls the schema does not allow, apply defaults, check the schema, and check the CEL rules
// only if the schema raised no blocking error; messages use the API server's wording where it has one.
import type { z } from 'zod';
import { CEL_ISSUE_SOURCE } from './cel-rule.ts';
import { API_VERSION } from './common.ts';
import { toCrdSchema, type SchemaNode } from './crd-schema.ts';
import { flagNamespace, type FlagNamespace } from './flag-namespace.ts';
import { flag, type Flag } from './flag.ts';
import { segment, type Segment } from './segment.ts';

export interface Issue {
  /** Kubernetes field path, e.g. `spec.rules[0].distributions[1].variant`; '' for the object. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export type EnsignResource = Flag | Segment | FlagNamespace;
export type EnsignKind = EnsignResource['kind'];

/** The API server's note when it skips CEL rules because the schema already failed. */
export const CEL_SKIPPED_MESSAGE =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** `['spec', 'rules', 0, 'segments']` → `spec.rules[0].segments`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childSchema(schema: SchemaNode, key: string): SchemaNode | undefined {
  const properties = schema.properties;
  if (isPlainObject(properties) && isPlainObject(properties[key])) return properties[key];
  return isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

/**
 * A copy of `value` without the object fields that are null where the schema does not allow null:
 * the API server drops those before defaulting (so `description:` with no value means "unset"). JSON
 * kept as is (x-kubernetes-preserve-unknown-fields) keeps its nulls.
 */
export function dropDisallowedNulls(value: unknown, schema: SchemaNode | undefined): unknown {
  if (schema?.['x-kubernetes-preserve-unknown-fields'] === true) return value;
  if (Array.isArray(value)) {
    const items = isPlainObject(schema?.items) ? schema.items : undefined;
    return value.map((item) => dropDisallowedNulls(item, items));
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childNode = schema === undefined ? undefined : childSchema(schema, key);
    if (child === null && childNode?.nullable !== true) continue;
    out[key] = dropDisallowedNulls(child, childNode);
  }
  return out;
}

const KUBERNETES_TYPES: Record<string, string> = {
  int: 'integer',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  record: 'object',
};

/** The API server's wording for schema violations (zod's own wording for anything else). */
function serverMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'Required value'
        : `must be of type ${KUBERNETES_TYPES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return (
        `Unsupported value: ${JSON.stringify(issue.input)}: supported values: ` +
        issue.values.map((v) => JSON.stringify(v)).join(', ')
      );
    case 'too_big':
      // The API server says "bytes" but counts characters, as boundedString does.
      if (issue.origin === 'string') return `Too long: may not be more than ${issue.maximum} bytes`;
      if (issue.origin === 'array') {
        const count = Array.isArray(issue.input) ? issue.input.length : 0;
        return `Too many: ${count}: must have at most ${issue.maximum} items`;
      }
      return `should be less than or equal to ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return `should be at least ${issue.minimum} chars long`;
      if (issue.origin === 'array') return `should have at least ${issue.minimum} items`;
      return `should be greater than or equal to ${issue.minimum}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string'
        ? `should match '${issue.pattern.replace(/^\/|\/$/g, '')}'`
        : undefined;
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return undefined;
  }
}

function isCelIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.source === CEL_ISSUE_SOURCE;
}

/** The schema errors after which the API server does not evaluate CEL rules. */
function isBlocking(issue: z.core.$ZodIssue): boolean {
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_value':
      return true;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array';
    case 'custom':
      return issue.params?.blocking === true;
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
    case 'too_small':
    case 'unrecognized_keys':
      return false;
  }
}

function toIssues(zodIssues: readonly z.core.$ZodIssue[]): Issue[] {
  const blocked = zodIssues.some(isBlocking);
  const kept = blocked ? zodIssues.filter((i) => !isCelIssue(i)) : zodIssues;
  const issues = kept.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (blocked) issues.push({ path: '', message: CEL_SKIPPED_MESSAGE });
  return issues;
}

interface Kind<T> {
  schema: z.ZodType<T>;
  structural: () => SchemaNode;
}

function kind<T>(schema: z.ZodType<T>): Kind<T> {
  let structural: SchemaNode | undefined;
  return { schema, structural: () => (structural ??= toCrdSchema(schema)) };
}

const KINDS = {
  Flag: kind<Flag>(flag),
  Segment: kind<Segment>(segment),
  FlagNamespace: kind<FlagNamespace>(flagNamespace),
} satisfies { [K in EnsignKind]: Kind<Extract<EnsignResource, { kind: K }>> };

function parseKind<T>(k: Kind<T>, obj: unknown): ParseResult<T> {
  if (!isPlainObject(obj)) return { ok: false, issues: [{ path: '', message: 'must be of type object' }] };
  const result = k.schema.safeParse(dropDisallowedNulls(obj, k.structural()), { error: serverMessage });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, issues: toIssues(result.error.issues) };
}

export function parseFlag(obj: unknown): ParseResult<Flag> {
  return parseKind(KINDS.Flag, obj);
}

export function parseSegment(obj: unknown): ParseResult<Segment> {
  return parseKind(KINDS.Segment, obj);
}

export function parseFlagNamespace(obj: unknown): ParseResult<FlagNamespace> {
  return parseKind(KINDS.FlagNamespace, obj);
}

function isKind(value: unknown): value is EnsignKind {
  return typeof value === 'string' && Object.hasOwn(KINDS, value);
}

/** Parses any Ensign resource, choosing the schema by apiVersion and kind. */
export function parseResource(obj: unknown): ParseResult<EnsignResource> {
  if (!isPlainObject(obj)) return { ok: false, issues: [{ path: '', message: 'must be of type object' }] };
  if (obj.apiVersion !== API_VERSION) {
    return {
      ok: false,
      issues: [
        {
          path: 'apiVersion',
          message: `Unsupported value: ${JSON.stringify(obj.apiVersion ?? null)}: supported values: "${API_VERSION}"`,
        },
      ],
    };
  }
  if (!isKind(obj.kind)) {
    const kinds = Object.keys(KINDS)
      .map((k) => JSON.stringify(k))
      .join(', ');
    return {
      ok: false,
      issues: [
        {
          path: 'kind',
          message: `Unsupported value: ${JSON.stringify(obj.kind ?? null)}: supported values: ${kinds}`,
        },
      ],
    };
  }
  switch (obj.kind) {
    case 'Flag':
      return parseFlag(obj);
    case 'Segment':
      return parseSegment(obj);
    case 'FlagNamespace':
      return parseFlagNamespace(obj);
  }
}
