// Canonical JSON text for variant attachments: compact, object keys sorted recursively, so equal
// content gives equal bytes (and so equal rule-set revisions) whatever order the YAML was written in.
//
// Compared with Flipt: its declarative store encodes attachments with Go's JSON encoder, which also
// sorts object keys (by UTF-8 bytes, which is the code-point order used here) but additionally
// HTML-escapes `<`, `>` and `&` and turns an absent attachment into `null`. Its SQL store keeps key
// order as written. Ensign does not HTML-escape and gives `""` for an absent attachment (the value
// Flipt's SQL store and its API return for "no attachment"). Clients parse the text as JSON, so these
// differences do not change the parsed value.

export type CanonicalJsonResult = { ok: true; text: string } | { ok: false; path: string; message: string };

export function canonicalJson(value: unknown): CanonicalJsonResult {
  const parts: string[] = [];
  const error = write(value, '', parts);
  return error === undefined ? { ok: true, text: parts.join('') } : { ok: false, ...error };
}

interface WriteError {
  path: string;
  message: string;
}

function write(value: unknown, path: string, out: string[]): WriteError | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return undefined;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { path, message: `${String(value)} is not a JSON number` };
    out.push(JSON.stringify(value));
    return undefined;
  }
  if (Array.isArray(value)) return writeArray(value, path, out);
  if (isPlainObject(value)) return writeObject(value, path, out);
  return { path, message: `a ${typeof value} is not a JSON value` };
}

function writeArray(items: readonly unknown[], path: string, out: string[]): WriteError | undefined {
  out.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    const error = write(items[i], `${path}[${i}]`, out);
    if (error !== undefined) return error;
  }
  out.push(']');
  return undefined;
}

function writeObject(object: object, path: string, out: string[]): WriteError | undefined {
  const entries = Object.entries(object).sort(([a], [b]) => compareCodePoints(a, b));
  out.push('{');
  let first = true;
  for (const [key, item] of entries) {
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    const error = write(item, `${path}.${key}`, out);
    if (error !== undefined) return error;
  }
  out.push('}');
  return undefined;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Orders strings by Unicode code point, which equals UTF-8 byte order (Go's sort order for map
 * keys). JavaScript's default comparison uses UTF-16 code units and differs for characters above
 * U+FFFF versus U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const diff = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}
