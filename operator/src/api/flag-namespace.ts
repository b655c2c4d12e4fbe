// The FlagNamespace resource (cluster-scoped; metadata.name is a Kubernetes namespace). Optional:
// a namespace without one is served with the default access policy (only itself).
import { z } from 'zod';
import { API_VERSION, condition, description, displayName, objectMeta } from './common.ts';

export const serviceAccountRef = z.object({
  namespace: z.string().min(1).max(63),
  name: z.string().min(1).max(253),
});

export const access = z.object({
  /** Kubernetes namespaces whose workloads may evaluate this namespace's flags. */
  namespaces: z.array(z.string().min(1).max(63)).max(256).default([]),
  /** Individual service accounts that may evaluate this namespace's flags. */
  serviceAccounts: z.array(serviceAccountRef).max(256).default([]),
});
export type Access = z.infer<typeof access>;

export const flagNamespaceSpec = z.object({
  displayName: displayName.optional(),
  description: description.optional(),
  access: access.optional(),
});
export type FlagNamespaceSpec = z.infer<typeof flagNamespaceSpec>;

export const flagNamespaceStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(condition).max(8).optional(),
  revision: z.string().max(128).optional(),
  flags: z.number().int().min(0).optional(),
  segments: z.number().int().min(0).optional(),
  sidecars: z
    .object({
      connected: z.number().int().min(0),
      inSync: z.number().int().min(0),
    })
    .optional(),
});

export const flagNamespace = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('FlagNamespace'),
  metadata: objectMeta,
  spec: flagNamespaceSpec.default({}),
  status: flagNamespaceStatus.optional(),
});
export type FlagNamespace = z.infer<typeof flagNamespace>;
