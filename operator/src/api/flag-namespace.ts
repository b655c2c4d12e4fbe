// The FlagNamespace resource (cluster-scoped; metadata.name is a Kubernetes namespace). Optional:
// a namespace without one is served with the default access policy (only itself).
import { z } from 'zod';
import { unless, withCelRules } from './cel-rule.ts';
import {
  API_VERSION,
  MAX_NAMESPACE_NAME_LENGTH,
  NAMESPACE_NAME_PATTERN,
  conditions,
  description,
  displayName,
  namespaceName,
  objectMeta,
  objectName,
  observedGeneration,
  revision,
} from './common.ts';

export const MAX_ACCESS_ENTRIES = 256;

const NAMESPACE_NAME_REGEX = new RegExp(NAMESPACE_NAME_PATTERN);

export const serviceAccountRef = z
  .object({
    namespace: namespaceName.min(1).describe('Namespace of the service account.'),
    name: objectName.min(1).describe('Name of the service account.'),
  })
  .describe('A service account, by namespace and name.');

export const access = z
  .object({
    /** Kubernetes namespaces whose workloads may evaluate this namespace's flags. */
    namespaces: z
      .array(namespaceName.min(1))
      .max(MAX_ACCESS_ENTRIES)
      .default([])
      .describe("Kubernetes namespaces whose workloads may evaluate this namespace's flags."),
    /** Individual service accounts that may evaluate this namespace's flags. */
    serviceAccounts: z
      .array(serviceAccountRef)
      .max(MAX_ACCESS_ENTRIES)
      .default([])
      .describe("Individual service accounts that may evaluate this namespace's flags."),
  })
  .describe(
    "Who may evaluate this namespace's flags, besides workloads in the namespace itself (always allowed).",
  );
export type Access = z.infer<typeof access>;

export const flagNamespaceSpec = z
  .object({
    displayName: displayName.optional().describe('Display name; defaults to metadata.name.'),
    description: description.optional().describe('Free text.'),
    access: access.optional(),
  })
  .describe('Settings of the flag namespace.');
export type FlagNamespaceSpec = z.infer<typeof flagNamespaceSpec>;

const count = z.number().int().min(0);

export const flagNamespaceStatus = z
  .object({
    observedGeneration: observedGeneration.optional(),
    conditions: conditions.optional(),
    revision: revision.optional(),
    flags: count.optional().describe("Number of Flags in the namespace's current rule set."),
    segments: count.optional().describe("Number of Segments in the namespace's current rule set."),
    sidecars: z
      .object({
        connected: count.describe('Sidecars connected for this namespace.'),
        inSync: count.describe('Connected sidecars that have the current revision.'),
      })
      .optional()
      .describe("Sidecars streaming this namespace's rule set."),
    uninjectedPods: count
      .optional()
      .describe(
        'Pods of the namespace that opted in to the Ensign sidecar but were created without it (condition SidecarsInjected names them).',
      ),
  })
  .describe('Aggregate state of the namespace, written by the operator.');

export const flagNamespace = withCelRules(
  z
    .object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal('FlagNamespace'),
      metadata: objectMeta,
      spec: flagNamespaceSpec.default({}),
      status: flagNamespaceStatus.optional(),
    })
    .describe(
      'Settings of one flag namespace (Flipt namespace). Its name is the Kubernetes namespace whose Flags and Segments it governs.',
    ),
  [
    {
      rule: `size(self.metadata.name) <= ${MAX_NAMESPACE_NAME_LENGTH} && self.metadata.name.matches('${NAMESPACE_NAME_PATTERN}')`,
      message: `metadata.name must be a Kubernetes namespace name (at most ${MAX_NAMESPACE_NAME_LENGTH} lower-case letters, digits or '-')`,
      reason: 'FieldValueInvalid',
      violations: (self) =>
        unless(
          self.metadata.name.length <= MAX_NAMESPACE_NAME_LENGTH &&
            NAMESPACE_NAME_REGEX.test(self.metadata.name),
          ['metadata', 'name'],
        ),
    },
  ],
);
export type FlagNamespace = z.infer<typeof flagNamespace>;
