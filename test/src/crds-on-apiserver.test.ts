// The CRDs in crds/ on a real kube-apiserver: accepted and Established, the valid fixture corpus
// created for real, every invalid fixture refused with the message and path its `# expect:` and
// `# path:` header name (OpenAPI schema and CEL, as the API server evaluates them), and the
// kubectl ergonomics (printer columns, short names, the `ensign` category).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ControlPlane } from './cluster/control-plane.ts';
import { CRDS_DIR, CRD_NAMES, installCrds } from './cluster/install-crds.ts';
import { useControlPlane } from './cluster/use-control-plane.ts';

const TESTDATA = join(CRDS_DIR, 'testdata');
const fixtures = (kind: 'valid' | 'invalid'): string[] =>
  readdirSync(join(TESTDATA, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

interface Expectation {
  readonly message: string;
  /** `<nil>` for errors about the whole object, as the API server prints them. */
  readonly path: string;
}

function expectationOf(text: string, file: string): Expectation {
  const message = /^# expect: (.+)$/m.exec(text)?.[1]?.trim();
  if (message === undefined) throw new Error(`${file} has no "# expect:" line`);
  const path = /^# path:(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  return { message, path: path === '' ? '<nil>' : path };
}

interface FieldError {
  readonly path: string;
  readonly text: string;
}

/**
 * The field errors in kubectl's rendering of an Invalid status: one inline after "is invalid: ",
 * or one per "* " line when there are several.
 */
function fieldErrors(stderr: string): FieldError[] {
  const body = stderr.slice(stderr.indexOf(' is invalid: ') + ' is invalid: '.length);
  const entries = body.includes('\n* ') ? body.split('\n* ').slice(1) : [body];
  return entries.map((entry) => {
    const colon = entry.indexOf(': ');
    return { path: entry.slice(0, colon), text: entry.slice(colon + 2).trim() };
  });
}

interface Fixture {
  readonly kind: string;
  readonly metadata: Record<string, unknown>;
}

/** FlagNamespace is cluster-scoped: its fixtures are named after real namespaces of a cluster. */
const clusterScoped = (fixture: Fixture): boolean => fixture.kind === 'FlagNamespace';

/**
 * The fixture as JSON, in the test namespace when namespaced (one fixture names a namespace of
 * its own). `name` renames it, so cluster-scoped objects of a suite do not collide with others'.
 */
function prepared(text: string, namespace: string, name?: string): { fixture: Fixture; json: string } {
  const fixture = parse(text) as Fixture;
  const metadata = {
    ...fixture.metadata,
    ...(clusterScoped(fixture) ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
  };
  return { fixture, json: JSON.stringify({ ...fixture, metadata }) };
}

let plane: ControlPlane;
let ns: string;

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  ns = await plane.createNamespace('crds');
});

describe('the CRDs on a real API server', () => {
  it('are all accepted, with names accepted and Established', async () => {
    const r = await plane.kubectl(['get', 'crd', ...CRD_NAMES, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
    };
    expect(list.items.map((c) => c.metadata.name).sort()).toEqual([...CRD_NAMES].sort());
    for (const crd of list.items) {
      const status = Object.fromEntries(crd.status.conditions.map((c) => [c.type, c.status]));
      expect(status, crd.metadata.name).toMatchObject({ NamesAccepted: 'True', Established: 'True' });
    }
  });

  it('run on the Kubernetes version the harness pins', async () => {
    const r = await plane.kubectl(['version', '-o', 'json']);
    const version = JSON.parse(r.stdout) as {
      serverVersion: { gitVersion: string; major: string; minor: string };
    };
    expect(version.serverVersion).toMatchObject({ gitVersion: plane.version, major: '1', minor: '32' });
    expect(plane.version).toMatch(/^v1\.32\.\d+$/);
  });
});

describe('the valid fixture corpus', () => {
  it.each(fixtures('valid'))('accepts valid/%s', async (file) => {
    const { fixture, json } = prepared(readFileSync(join(TESTDATA, 'valid', file), 'utf8'), ns);
    // Cluster-scoped fixtures (FlagNamespace `default`, `shop`) would change what other suites on
    // the shared plane see, so they go through every API-server check but are not stored.
    const dryRun = clusterScoped(fixture) ? ['--dry-run=server'] : [];
    const r = await plane.kubectl(['create', ...dryRun, '-f', '-', '-o', 'json'], { input: json });
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout) as {
      metadata: { namespace?: string; generation: number };
      status?: unknown;
    };
    expect(created.metadata).toMatchObject({ generation: 1 });
    expect(created.metadata.namespace).toBe(clusterScoped(fixture) ? undefined : ns);
    // The status subresource makes the API server drop any status sent with the object; the CRD's
    // default marks it unobserved, so kstatus reads it as InProgress until the operator writes.
    expect(created.status).toEqual({ observedGeneration: 0 });
  });
});

describe('the invalid fixture corpus', () => {
  it.each(fixtures('invalid'))(
    'refuses invalid/%s with the expected message at the expected path',
    async (file) => {
      const text = readFileSync(join(TESTDATA, 'invalid', file), 'utf8');
      const expected = expectationOf(text, file);
      const r = await plane.kubectl(['create', '--dry-run=server', '-f', '-'], {
        input: prepared(text, ns).json,
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^The \w+ "[^"]+" is invalid: /);
      const errors = fieldErrors(r.stderr);
      expect(
        errors.some((e) => e.path === expected.path && e.text.includes(expected.message)),
        `expected "${expected.message}" at ${expected.path}; the API server said:\n${r.stderr}`,
      ).toBe(true);
    },
  );
});

describe('kubectl ergonomics', () => {
  let own: string;
  beforeAll(async () => {
    // A namespace of its own: objects here are created, not dry-run, and must not clash with the corpus.
    own = await plane.createNamespace('crds-kubectl');
    const read = (f: string): string => readFileSync(join(TESTDATA, 'valid', f), 'utf8');
    const input = [
      prepared(read('flag-variant-full.yaml'), own).json,
      prepared(read('segment-everyone.yaml'), own).json,
      // The FlagNamespace of the test namespace itself, which no other suite uses.
      prepared(read('flagnamespace-minimal.yaml'), own, own).json,
    ].join('\n');
    const r = await plane.kubectl(['create', '-f', '-'], { input });
    expect(r.code, r.stderr).toBe(0);
  });

  it('prints TYPE, ENABLED, DEFAULT and READY columns for flags', async () => {
    const r = await plane.kubectl(['get', 'flags', '-n', own, 'checkout-theme']);
    expect(r.code, r.stderr).toBe(0);
    const [header = '', row = ''] = r.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'TYPE', 'ENABLED', 'DEFAULT', 'READY', 'AGE']);
    expect(row.split(/\s+/).slice(0, 4)).toEqual(['checkout-theme', 'Variant', 'true', 'blue']);
  });

  it.each([
    ['ff', 'flag.ensign.dev', 'checkout-theme'],
    ['seg', 'segment.ensign.dev', 'everyone'],
    ['fns', 'flagnamespace.ensign.dev', undefined],
  ])('resolves the short name %s', async (shortName, resource, name) => {
    const r = await plane.kubectl(['get', shortName, '-n', own, '-o', 'name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain(`${resource}/${name ?? own}`);
  });

  it('lists all three kinds under the ensign category', async () => {
    const r = await plane.kubectl(['get', 'ensign', '-n', own, '-o', 'name']);
    expect(r.code, r.stderr).toBe(0);
    const kinds = new Set(
      r.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('/')[0]),
    );
    expect(kinds).toEqual(new Set(['flag.ensign.dev', 'segment.ensign.dev', 'flagnamespace.ensign.dev']));
  });
});
