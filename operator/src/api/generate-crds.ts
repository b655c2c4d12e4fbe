// Writes the CRD YAML generated from the zod schemas (crds/ and charts/ensign/crds/), or with
// --check compares it with the committed files and exits 1 on any difference, so CI catches a schema
// change whose YAML was not regenerated.
//
//   node operator/src/api/generate-crds.ts [--check]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles, type GeneratedFile } from './crds.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** How a committed file differs from the generated one, or undefined when it is up to date. */
export function describeDifference(expected: string, actual: string | undefined): string | undefined {
  if (actual === undefined) return 'missing';
  if (actual === expected) return undefined;
  const want = expected.split('\n');
  const have = actual.split('\n');
  const line = want.findIndex((text, i) => text !== have[i]);
  const at = line === -1 ? want.length : line;
  return (
    `differs from line ${at + 1}: expected ${JSON.stringify(want[at] ?? '<end of file>')}, ` +
    `found ${JSON.stringify(have[at] ?? '<end of file>')}`
  );
}

/** Every generated file that is missing or stale under `root`, with what is wrong with it. */
export function staleFiles(root: string, files: GeneratedFile[]): { path: string; problem: string }[] {
  return files.flatMap((file) => {
    const problem = describeDifference(file.content, readOrUndefined(join(root, file.path)));
    return problem === undefined ? [] : [{ path: file.path, problem }];
  });
}

function main(argv: string[]): number {
  const files = renderCrdFiles();
  if (argv.includes('--check')) {
    const stale = staleFiles(REPO_ROOT, files);
    for (const { path, problem } of stale) console.error(`${path}: ${problem}`);
    if (stale.length > 0) {
      console.error('CRDs are out of date; run `npm run gen:crds` and commit the result.');
      return 1;
    }
    console.log(`${files.length} CRD files are up to date.`);
    return 0;
  }
  for (const file of files) {
    const path = join(REPO_ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    console.log(`wrote ${file.path}`);
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
