// Applies the RFC 6902 `add` operations the injection webhook answers with, the way the API server
// does, so a test can hand the mutated pod to the real API server.
export interface AddOperation {
  readonly op: 'add';
  readonly path: string;
  readonly value: unknown;
}

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function applyAddPatch<T>(document: T, patch: readonly AddOperation[]): T {
  const result = structuredClone(document) as unknown;
  for (const operation of patch) {
    const segments = operation.path.split('/').slice(1).map(unescape);
    const last = segments.pop();
    if (last === undefined) throw new Error(`cannot add at the root (${operation.path})`);
    let parent = result;
    for (const segment of segments) {
      parent = (parent as Record<string, unknown>)[segment];
      if (typeof parent !== 'object' || parent === null) throw new Error(`no parent for ${operation.path}`);
    }
    const value = structuredClone(operation.value);
    if (Array.isArray(parent)) {
      if (last === '-') parent.push(value);
      else parent.splice(Number(last), 0, value);
    } else (parent as Record<string, unknown>)[last] = value;
  }
  return result as T;
}
