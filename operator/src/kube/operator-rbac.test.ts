// deploy/operator-rbac.yaml grants exactly the calls this package makes (the integration suite
// runs the operator with it, proving it is enough); this pins that it grants nothing more.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SECRET } from '../certificates/certificate-secret.ts';
import { certificateShape } from '../certificates/options.ts';
import { MUTATING_WEBHOOK_CONFIGURATION } from '../certificates/webhook-ca-injector.ts';
import { NAMESPACE, POD } from '../controllers/uninjected-pods-controller.ts';
import { EVENT, FLAG, FLAG_NAMESPACE, LEASE, SEGMENT } from './resource-type.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
}

const docs = parseAllDocuments(
  readFileSync(new URL('../../../deploy/operator-rbac.yaml', import.meta.url), 'utf8'),
).map((d) => d.toJS() as Doc);

function rulesOf(kind: string): Rule[] {
  return docs.find((d) => d.kind === kind)?.rules ?? [];
}

describe('deploy/operator-rbac.yaml', () => {
  it('lets the ClusterRole read the three kinds, write only their status, Events and TokenReviews, read pod and namespace metadata, and patch its own webhook configuration', () => {
    const ensign = [FLAG, SEGMENT, FLAG_NAMESPACE];
    expect(rulesOf('ClusterRole')).toEqual([
      { apiGroups: ['ensign.dev'], resources: ensign.map((t) => t.plural), verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['ensign.dev'],
        resources: ensign.map((t) => `${t.plural}/status`),
        verbs: ['patch', 'update'],
      },
      { apiGroups: [EVENT.group], resources: [EVENT.plural], verbs: ['create', 'patch'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: [POD.group], resources: [POD.plural, NAMESPACE.plural], verbs: ['list', 'watch'] },
      {
        apiGroups: [MUTATING_WEBHOOK_CONFIGURATION.group],
        resources: [MUTATING_WEBHOOK_CONFIGURATION.plural],
        resourceNames: [certificateShape['webhook-configuration'].parse(undefined)],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('limits Lease and certificate Secret access to a Role in the operator namespace', () => {
    const role = docs.find((d) => d.kind === 'Role');
    expect(role?.metadata.namespace).toBe('ensign-system');
    expect(role?.rules).toEqual([
      { apiGroups: [LEASE.group], resources: [LEASE.plural], verbs: ['get', 'create', 'update'] },
      {
        apiGroups: [SECRET.group],
        resources: [SECRET.plural],
        resourceNames: [certificateShape['certificate-secret'].parse(undefined)],
        verbs: ['get', 'update'],
      },
      // RBAC cannot limit create to a name; the Role keeps it to this namespace.
      { apiGroups: [SECRET.group], resources: [SECRET.plural], verbs: ['create'] },
    ]);
  });

  it('never lets the operator list, watch or delete Secrets, nor write Pods or Namespaces', () => {
    const all = docs.flatMap((d) => d.rules ?? []);
    const verbsOn = (resource: string) =>
      all.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
    expect(verbsOn('secrets')).not.toContain('list');
    expect(verbsOn('secrets')).not.toContain('watch');
    expect(verbsOn('secrets')).not.toContain('delete');
    expect(new Set([...verbsOn('pods'), ...verbsOn('namespaces')])).toEqual(new Set(['list', 'watch']));
  });

  it('uses no wildcards and binds only the ensign-operator service account', () => {
    const text = JSON.stringify(docs);
    expect(text).not.toContain('"*"');
    const subjects = docs.flatMap((d) => (d as { subjects?: unknown[] }).subjects ?? []);
    expect(subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ensign-operator', namespace: 'ensign-system' },
      { kind: 'ServiceAccount', name: 'ensign-operator', namespace: 'ensign-system' },
    ]);
  });
});
