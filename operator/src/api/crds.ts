// The three CustomResourceDefinitions, built from the zod schemas. Pure: renderCrdFiles() returns
// the file contents; generate-crds.ts writes or checks them.
import { stringify } from 'yaml';
import type { z } from 'zod';
import { GROUP, VERSION } from './common.ts';
import { toCrdSchema, type SchemaNode } from './crd-schema.ts';
import { flagNamespace } from './flag-namespace.ts';
import { flag } from './flag.ts';
import { segment } from './segment.ts';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  schema: z.ZodType;
  printerColumns: PrinterColumn[];
}

const READY: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Status of the Ready condition.',
};
const REASON: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  description: 'Reason of the Ready condition.',
  priority: 1,
};
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const CRD_DEFINITIONS: readonly CrdDefinition[] = [
  {
    kind: 'Flag',
    plural: 'flags',
    singular: 'flag',
    shortNames: ['ff'],
    scope: 'Namespaced',
    schema: flag,
    printerColumns: [
      {
        name: 'Key',
        type: 'string',
        jsonPath: '.spec.key',
        description: 'Flipt flag key, when it differs from the name.',
        priority: 1,
      },
      { name: 'Type', type: 'string', jsonPath: '.spec.type' },
      { name: 'Enabled', type: 'boolean', jsonPath: '.spec.enabled' },
      { name: 'Default', type: 'string', jsonPath: '.spec.defaultVariant', description: 'Default variant.' },
      READY,
      REASON,
      AGE,
    ],
  },
  {
    kind: 'Segment',
    plural: 'segments',
    singular: 'segment',
    shortNames: ['seg'],
    scope: 'Namespaced',
    schema: segment,
    printerColumns: [{ name: 'Match', type: 'string', jsonPath: '.spec.matchType' }, READY, AGE],
  },
  {
    kind: 'FlagNamespace',
    plural: 'flagnamespaces',
    singular: 'flagnamespace',
    shortNames: ['fns'],
    scope: 'Cluster',
    schema: flagNamespace,
    printerColumns: [
      {
        name: 'Revision',
        type: 'string',
        jsonPath: '.status.revision',
        description: 'Revision of the served rule set.',
      },
      { name: 'Flags', type: 'integer', jsonPath: '.status.flags' },
      { name: 'Segments', type: 'integer', jsonPath: '.status.segments' },
      READY,
      AGE,
    ],
  },
];

/** The CustomResourceDefinition object for one kind. */
export function buildCrd(definition: CrdDefinition): SchemaNode {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${definition.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'ensign', 'app.kubernetes.io/part-of': 'ensign' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: definition.shortNames,
        categories: ['ensign'],
      },
      scope: definition.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: definition.printerColumns,
          schema: { openAPIV3Schema: withUnobservedStatusDefault(toCrdSchema(definition.schema)) },
        },
      ],
    },
  };
}

/**
 * A new object reads back with `status.observedGeneration: 0` until the operator writes its status.
 * Without it, kstatus (Flux `wait`, Helm 4 `--wait`, `kubectl wait`-style tools) reads an object
 * with no status as Current — done before the operator has even looked at it; generation 1 ≠
 * observed 0 makes it InProgress until the operator has compiled it.
 */
function withUnobservedStatusDefault(schema: SchemaNode): SchemaNode {
  const properties = schema.properties as Record<string, SchemaNode> | undefined;
  const status = properties?.status;
  const statusProperties = status?.properties as Record<string, SchemaNode> | undefined;
  if (properties === undefined || status === undefined || statusProperties?.observedGeneration === undefined)
    return schema;
  return {
    ...schema,
    properties: { ...properties, status: { ...status, default: { observedGeneration: 0 } } },
  };
}

export function crdFileName(definition: CrdDefinition): string {
  return `${GROUP}_${definition.plural}.yaml`;
}

const HEADER = '# Generated from the zod schemas in operator/src/api by `npm run gen:crds`; do not edit.\n';

/** The YAML text of one CRD. */
export function renderCrd(definition: CrdDefinition): string {
  // The leading `---` keeps the files one valid stream when concatenated (Helm 3's `helm show crds`
  // joins them without separators).
  return HEADER + '---\n' + stringify(buildCrd(definition), { lineWidth: 0 });
}

/** Where generated CRDs live, relative to the repository root: crds/ and the chart's checked copy. */
export const CRD_DIRECTORIES = ['crds', 'charts/ensign/crds'] as const;

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

/** Every generated file, in a stable order. */
export function renderCrdFiles(): GeneratedFile[] {
  return CRD_DEFINITIONS.flatMap((definition) => {
    const content = renderCrd(definition);
    return CRD_DIRECTORIES.map((dir) => ({ path: `${dir}/${crdFileName(definition)}`, content }));
  });
}
