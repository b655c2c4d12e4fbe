import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCrdFiles } from './crds.ts';
import { describeDifference, REPO_ROOT, staleFiles } from './generate-crds.ts';

describe('the committed CRDs', () => {
  it('are what the generator produces from the zod schemas', () => {
    expect(staleFiles(REPO_ROOT, renderCrdFiles())).toEqual([]);
  });

  it('pass the CLI check that CI runs', () => {
    const output = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'operator/src/api/generate-crds.ts'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(output).toContain('6 CRD files are up to date.');
  });
});

describe('staleFiles', () => {
  it('reports missing and changed files, and nothing for identical ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensign-crds-'));
    mkdirSync(join(root, 'crds'));
    writeFileSync(join(root, 'crds/same.yaml'), 'a: 1\n');
    writeFileSync(join(root, 'crds/changed.yaml'), 'a: 1\nb: 3\n');
    const files = [
      { path: 'crds/same.yaml', content: 'a: 1\n' },
      { path: 'crds/changed.yaml', content: 'a: 1\nb: 2\n' },
      { path: 'crds/missing.yaml', content: 'a: 1\n' },
    ];
    expect(staleFiles(root, files)).toEqual([
      { path: 'crds/changed.yaml', problem: 'differs from line 2: expected "b: 2", found "b: 3"' },
      { path: 'crds/missing.yaml', problem: 'missing' },
    ]);
  });

  it('names the end of file when one side is longer', () => {
    expect(describeDifference('a\nb', 'a')).toBe('differs from line 2: expected "b", found "<end of file>"');
    expect(describeDifference('a\n', 'a\n')).toBeUndefined();
  });
});
