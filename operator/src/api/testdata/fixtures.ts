// Loads the fixture corpus in crds/testdata: valid/*.yaml must be accepted, invalid/*.yaml rejected.
// An invalid fixture starts with `# expect: <part of the API server's message>` and may follow it
// with `# path: <field path the API server reports>` (empty: the object itself, printed `<nil>`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../generate-crds.ts';

export const FIXTURE_ROOT = join(REPO_ROOT, 'crds', 'testdata');

export interface Fixture {
  /** File name, e.g. `flag-minimal.yaml`. */
  name: string;
  object: unknown;
  /** Part of the expected error message (invalid fixtures). */
  expect?: string;
  /** Field path of the expected error (invalid fixtures that give one). */
  path?: string;
}

function header(text: string, key: string): string | undefined {
  const prefix = `# ${key}:`;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

export function loadFixtures(kind: 'valid' | 'invalid'): Fixture[] {
  const dir = join(FIXTURE_ROOT, kind);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const expect = header(text, 'expect');
      const path = header(text, 'path');
      return {
        name,
        object: parse(text) as unknown,
        ...(expect === undefined ? {} : { expect }),
        ...(path === undefined ? {} : { path }),
      };
    });
}
