// Resources from many files → one object set per namespace, as the API server would hold them:
// one object per kind/namespace/name. Pure.
import type { Flag } from '../api/flag.ts';
import type { FlagNamespace } from '../api/flag-namespace.ts';
import type { Segment } from '../api/segment.ts';
import { compareCodePoints } from '../compiler/canonical-json.ts';
import type { LocatedResource, ManifestError } from './parse-manifests.ts';

export interface NamespaceObjects {
  flags: Flag[];
  segments: Segment[];
  /** The cluster-scoped FlagNamespace named after this namespace, if one exists. */
  flagNamespace?: FlagNamespace;
}

export interface GroupedObjects {
  /** Keyed by namespace, in sorted order. */
  namespaces: Map<string, NamespaceObjects>;
  /** One per object that repeats an earlier one (same kind/namespace/name). */
  errors: ManifestError[];
}

/**
 * Groups by namespace; a FlagNamespace belongs to the namespace it names. When two objects share
 * kind, namespace and name, the one from the file that sorts first (then the earlier document) wins
 * and the other gets an error naming both places.
 */
export function groupByNamespace(objects: readonly LocatedResource[]): GroupedObjects {
  const ordered = [...objects].sort((a, b) => compareCodePoints(a.file, b.file) || a.document - b.document);
  const seen = new Map<string, LocatedResource>();
  const byNamespace = new Map<string, NamespaceObjects>();
  const errors: ManifestError[] = [];
  for (const located of ordered) {
    const { resource } = located;
    const namespace = namespaceOf(located);
    const identity = `${resource.kind}/${namespace}/${resource.metadata.name}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      errors.push(duplicateError(located, first, namespace));
      continue;
    }
    seen.set(identity, located);
    const objectsOfNamespace = getOrCreate(byNamespace, namespace);
    if (resource.kind === 'Flag') objectsOfNamespace.flags.push(resource);
    else if (resource.kind === 'Segment') objectsOfNamespace.segments.push(resource);
    else objectsOfNamespace.flagNamespace = resource;
  }
  const namespaces = new Map([...byNamespace].sort(([a], [b]) => compareCodePoints(a, b)));
  return { namespaces, errors };
}

function namespaceOf({ resource }: LocatedResource): string {
  return resource.kind === 'FlagNamespace' ? resource.metadata.name : (resource.metadata.namespace ?? '');
}

function getOrCreate(map: Map<string, NamespaceObjects>, namespace: string): NamespaceObjects {
  let found = map.get(namespace);
  if (found === undefined) {
    found = { flags: [], segments: [] };
    map.set(namespace, found);
  }
  return found;
}

function duplicateError(later: LocatedResource, first: LocatedResource, namespace: string): ManifestError {
  const { kind, metadata } = later.resource;
  const where = kind === 'FlagNamespace' ? '' : ` in namespace "${namespace}"`;
  return {
    file: later.file,
    document: later.document,
    path: 'metadata.name',
    message:
      `${kind} "${metadata.name}"${where} is also defined in ${first.file} (document ${first.document}), ` +
      `which is used; this definition in ${later.file} (document ${later.document}) is ignored`,
  };
}
