// zod schema → structural OpenAPI v3 schema for an apiextensions.k8s.io/v1 CRD. zod's JSON Schema
// output is close but not structural: JSON values come out as a recursive $ref'd anyOf, integers
// carry JavaScript's safe-integer bounds and literals become enums. This rewrites those and throws on
// any keyword a structural schema may not contain, so a new zod construct cannot slip through.
import { z } from 'zod';

/** A node of an OpenAPI v3 schema (JSONSchemaProps), as plain JSON. */
export type SchemaNode = { [key: string]: unknown };

const PRESERVE_UNKNOWN = 'x-kubernetes-preserve-unknown-fields';

/** Keywords copied as they are; anything else (allOf, anyOf, $ref, not, …) is an error. */
const SCALAR_KEYWORDS = new Set([
  'type',
  'description',
  'required',
  'default',
  'enum',
  'pattern',
  'format',
  'nullable',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
]);

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedKeys(node: SchemaNode): SchemaNode {
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((k) => [k, node[k]]),
  );
}

function convertInteger(out: SchemaNode): void {
  // zod bounds integers by Number.MAX_SAFE_INTEGER; Kubernetes integers are int64.
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  out.format ??= 'int64';
}

function convertProperties(properties: unknown, path: string): SchemaNode {
  if (!isNode(properties)) throw new Error(`${path}: properties must be an object`);
  const out: SchemaNode = {};
  for (const name of Object.keys(properties).sort()) {
    out[name] = convertNode(properties[name], `${path}.${name}`);
  }
  return out;
}

/** Converts one node (and its subtree) of zod's openapi-3.0 output. */
export function convertNode(node: unknown, path: string): SchemaNode {
  if (!isNode(node)) throw new Error(`${path}: expected a schema object`);
  if (node[PRESERVE_UNKNOWN] === true) {
    // Opaque JSON: no type, no $ref'd value schema; the operator validates it with zod.
    const out: SchemaNode = { [PRESERVE_UNKNOWN]: true };
    if (typeof node.description === 'string') out.description = node.description;
    return sortedKeys(out);
  }
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (SCALAR_KEYWORDS.has(key)) out[key] = value;
    else if (key === 'properties') out.properties = convertProperties(value, path);
    else if (key === 'items') out.items = convertNode(value, `${path}[]`);
    else if (key === 'additionalProperties') {
      // false is zod's strict object; the API server prunes unknown fields instead.
      if (value !== false) out.additionalProperties = convertNode(value, `${path}{}`);
    } else {
      throw new Error(`${path}: JSON Schema keyword "${key}" cannot appear in a structural CRD schema`);
    }
  }
  if (typeof out.type !== 'string')
    throw new Error(`${path}: every node of a structural schema needs a type`);
  if (out.type === 'integer') convertInteger(out);
  if (Array.isArray(out.required)) {
    // Order carries no meaning; sorted, the output does not depend on declaration order.
    if (out.required.length === 0) delete out.required;
    else out.required = [...(out.required as string[])].sort();
  }
  return sortedKeys(out);
}

const ROOT_FIELDS: SchemaNode = {
  apiVersion: {
    description: 'Versioned schema of this representation of the object (group/version).',
    type: 'string',
  },
  kind: { description: 'The REST resource this object represents.', type: 'string' },
  // The API server validates metadata itself; a CRD may not constrain it beyond name.
  metadata: { type: 'object' },
};

/**
 * The `openAPIV3Schema` of a custom resource whose zod schema has apiVersion, kind, metadata, spec
 * and status: spec and status converted, the root fields in the standard shape.
 */
export function toCrdSchema(resource: z.ZodType): SchemaNode {
  const json = z.toJSONSchema(resource, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
  }) as SchemaNode;
  // definitions holds only the JSON-value schema, which every preserve-unknown-fields node drops;
  // a $ref to anything else would remain in the tree and be rejected by convertNode.
  const { properties, required, definitions: _definitions, $schema: _schema, ...keywords } = json;
  if (!isNode(properties)) throw new Error('a resource schema must be an object with properties');
  const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...rest } = properties;
  const root = convertNode(
    {
      ...keywords,
      required: (Array.isArray(required) ? required : []).filter(
        (name) => typeof name === 'string' && !(name in ROOT_FIELDS),
      ),
    },
    '',
  );
  root.properties = sortedKeys({ ...convertProperties(rest, ''), ...ROOT_FIELDS });
  return sortedKeys(root);
}
