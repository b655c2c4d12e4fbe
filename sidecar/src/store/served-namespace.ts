// A served namespace from its index and the wire bytes it was built from.
import type { NamespaceIndex } from '../engine/namespace-index.ts';
import type { ServedNamespace } from './lookup.ts';

export function servedNamespace(index: NamespaceIndex, wire: Uint8Array): ServedNamespace {
  const header = { namespace: index.namespace, revision: index.revision, access: index.access };
  return { ...header, flagCount: index.size, index, wire: ownBytes(wire), ruleSet: header };
}

// A view into a larger buffer (a network frame, Node's buffer pool) would keep all of it alive.
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
