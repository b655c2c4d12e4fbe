// A fresh "operator namespace" for a test: the Role and RoleBinding of deploy/operator-rbac.yaml,
// moved into it the way the chart renders them into the release namespace (still bound to the
// ensign-operator ServiceAccount the harness runs as). Certificates then start from nothing.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { kubectlOk, RBAC_MANIFEST } from '../harness/cluster-operator.ts';

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
}

export async function createOperatorNamespace(plane: ControlPlane, prefix = 'ensign-op'): Promise<string> {
  const namespace = await plane.createNamespace(prefix);
  const docs = parseAllDocuments(await readFile(RBAC_MANIFEST, 'utf8'))
    .map((d) => d.toJS() as Doc)
    .filter((d) => d.kind === 'Role' || d.kind === 'RoleBinding')
    .map((d) => ({ ...d, metadata: { ...d.metadata, namespace } }));
  await kubectlOk(
    plane,
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }),
  );
  return namespace;
}

export interface SecretObject {
  metadata: { resourceVersion: string; labels?: Record<string, string> };
  data: Record<string, string>;
}

export function decoded(secret: SecretObject, key: string): string {
  return Buffer.from(secret.data[key] ?? '', 'base64').toString('utf8');
}
