// RFC 6902 `add` as the API server applies it, for tests: fails where the API server would (a
// missing parent, an index past the end), so a golden patch is also proven to apply.

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function applyJsonPatch(
  document: unknown,
  patch: readonly { op: string; path: string; value: unknown }[],
): unknown {
  const root = structuredClone(document);
  for (const { op, path, value } of patch) {
    if (op !== 'add') throw new Error(`unsupported op ${op}`);
    const segments = path.split('/').slice(1).map(unescape);
    const last = segments.pop();
    if (last === undefined) throw new Error('cannot add at the root');
    let parent: unknown = root;
    for (const segment of segments) {
      if (typeof parent !== 'object' || parent === null) throw new Error(`${path}: no parent at ${segment}`);
      parent = (parent as Record<string, unknown>)[segment];
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length)
        throw new Error(`${path}: index ${last} out of bounds`);
      parent.splice(index, 0, structuredClone(value));
    } else if (typeof parent === 'object' && parent !== null) {
      (parent as Record<string, unknown>)[last] = structuredClone(value);
    } else throw new Error(`${path}: parent does not exist`);
  }
  return root;
}
