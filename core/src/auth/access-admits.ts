// Who may read a flag namespace: the workloads of that Kubernetes namespace, plus the namespaces
// and service accounts its FlagNamespace `access` names. The operator applies it to sidecars that
// subscribe, the sidecar to applications that evaluate. The access lists are turned into sets once
// per Access object, so a check is two lookups.
import type { Access } from '@ensign/proto/ensign/sync/v1/sync.ts';

export interface CallerIdentity {
  readonly namespace: string;
  /** The service account's name, when the caller is one. */
  readonly serviceAccount?: string | undefined;
}

interface CompiledAccess {
  readonly namespaces: ReadonlySet<string>;
  /** `namespace/name` */
  readonly serviceAccounts: ReadonlySet<string>;
}

const compiled = new WeakMap<Access, CompiledAccess>();

function compile(access: Access): CompiledAccess {
  let result = compiled.get(access);
  if (result === undefined) {
    result = {
      namespaces: new Set(access.namespaces),
      serviceAccounts: new Set(access.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`)),
    };
    compiled.set(access, result);
  }
  return result;
}

export function accessAdmits(
  flagNamespace: string,
  access: Access | undefined,
  caller: CallerIdentity,
): boolean {
  if (caller.namespace === flagNamespace) return true;
  if (access === undefined) return false;
  const c = compile(access);
  if (c.namespaces.has(caller.namespace)) return true;
  return (
    caller.serviceAccount !== undefined &&
    c.serviceAccounts.has(`${caller.namespace}/${caller.serviceAccount}`)
  );
}
