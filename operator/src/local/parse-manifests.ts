// One YAML file of Kubernetes manifests → the Ensign resources in it, with errors that name the
// file, the document (1-based) and the field path. Pure: the caller reads the file.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { parseResource, type EnsignResource } from '../api/parse.ts';

export const ENSIGN_KINDS: readonly string[] = ['Flag', 'Segment', 'FlagNamespace'];
const ENSIGN_GROUP_PREFIX = 'ensign.dev/';
/** Namespace of objects written without metadata.namespace, as kubectl does it. */
export const DEFAULT_NAMESPACE = 'default';

export interface ManifestError {
  file: string;
  /** 1-based index of the YAML document in the file; 0 when the error concerns the whole file. */
  document: number;
  /** Field path inside the document, e.g. `spec.rules[0].segments[1]`; "" for the whole document. */
  path: string;
  /** 1-based line of the offending field (or of the document) when known. */
  line?: number;
  message: string;
}

/** A document that is not an Ensign resource (a ConfigMap next to the flags, say); skipped. */
export interface IgnoredDocument {
  file: string;
  document: number;
  apiVersion: string;
  kind: string;
  name: string;
}

export interface LocatedResource {
  file: string;
  document: number;
  resource: EnsignResource;
}

export interface ParsedManifests {
  objects: LocatedResource[];
  errors: ManifestError[];
  ignored: IgnoredDocument[];
}

export function parseManifests(text: string, file: string): ParsedManifests {
  const result: ParsedManifests = { objects: [], errors: [], ignored: [] };
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(documents)) return result;
  documents.forEach((doc, i) => {
    parseDocument(doc, { file, document: i + 1, lineCounter }, result);
  });
  return result;
}

interface DocumentPlace {
  file: string;
  document: number;
  lineCounter: LineCounter;
}

function parseDocument(doc: Document.Parsed, place: DocumentPlace, out: ParsedManifests): void {
  const { file, document, lineCounter } = place;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      out.errors.push({ file, document, path: '', line, message: syntaxMessage(error.message) });
    }
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    out.errors.push({ file, document, path: '', line: documentLine(doc, place), message: String(error) });
    return;
  }
  if (value === null || value === undefined) return;
  if (isKubernetesList(value)) {
    value.items.forEach((item, j) => {
      parseObject(item, `items[${j}]`, doc, place, out);
    });
    return;
  }
  parseObject(value, '', doc, place, out);
}

function parseObject(
  value: unknown,
  prefix: string,
  doc: Document.Parsed,
  place: DocumentPlace,
  out: ParsedManifests,
): void {
  const { file, document } = place;
  const header = readHeader(value);
  const isEnsign = header.apiVersion.startsWith(ENSIGN_GROUP_PREFIX);
  if (!isEnsign && header.apiVersion === '' && ENSIGN_KINDS.includes(header.kind)) {
    const path = join(prefix, 'apiVersion');
    out.errors.push({
      file,
      document,
      path,
      line: lineOf(doc, path, place),
      message: 'apiVersion is required',
    });
    return;
  }
  if (!isEnsign) {
    out.ignored.push({ file, document, ...header });
    return;
  }
  const parsed = parseResource(value);
  if (!parsed.ok) {
    for (const issue of parsed.issues) {
      const path = join(prefix, issue.path);
      out.errors.push({ file, document, path, line: lineOf(doc, path, place), message: issue.message });
    }
    return;
  }
  out.objects.push({ file, document, resource: withDefaultNamespace(parsed.value) });
}

/** Namespaced kinds default to `default`; FlagNamespace is cluster-scoped, so any namespace is dropped. */
export function withDefaultNamespace(resource: EnsignResource): EnsignResource {
  if (resource.kind === 'FlagNamespace') {
    if (resource.metadata.namespace === undefined) return resource;
    const { namespace: _dropped, ...metadata } = resource.metadata;
    return { ...resource, metadata };
  }
  if (resource.metadata.namespace !== undefined && resource.metadata.namespace !== '') return resource;
  return { ...resource, metadata: { ...resource.metadata, namespace: DEFAULT_NAMESPACE } };
}

function readHeader(value: unknown): { apiVersion: string; kind: string; name: string } {
  const object = isRecord(value) ? value : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: typeof object.kind === 'string' ? object.kind : '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}

/** `kind: List` (what `kubectl get -o yaml` writes for several objects). */
function isKubernetesList(value: unknown): value is { items: unknown[] } {
  return isRecord(value) && value.kind === 'List' && value.apiVersion === 'v1' && Array.isArray(value.items);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
export function splitPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
}

/** Line of the deepest node on `path` that exists in the document (the field, or its parent). */
function lineOf(doc: Document.Parsed, path: string, place: DocumentPlace): number | undefined {
  const segments = splitPath(path);
  for (let n = segments.length; n > 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true);
    const offset = nodeOffset(node);
    if (offset !== undefined) return place.lineCounter.linePos(offset).line;
  }
  return documentLine(doc, place);
}

function documentLine(doc: Document.Parsed, place: DocumentPlace): number | undefined {
  const offset = nodeOffset(doc.contents);
  return offset === undefined ? undefined : place.lineCounter.linePos(offset).line;
}

function nodeOffset(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}

/** The yaml package appends " at line N, column M:" and a source excerpt; the line is reported separately. */
function syntaxMessage(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}
