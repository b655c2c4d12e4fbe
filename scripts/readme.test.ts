// The README is the front door: its configuration reference and commands must match the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOptionsTable } from '@ensign/core/cli-options.ts';
import { OPERATOR_OPTIONS } from '@ensign/operator/config.ts';
import { SIDECAR_OPTIONS } from '@ensign/sidecar/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function section(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme);
  if (match?.[1] === undefined) throw new Error(`README has no ${name} section`);
  return match[1];
}

describe('README', () => {
  it('documents every operator flag exactly as the code declares it', () => {
    expect(section('operator-options')).toBe(renderOptionsTable(OPERATOR_OPTIONS));
  });

  it('documents every sidecar flag exactly as the code declares it', () => {
    expect(section('sidecar-options')).toBe(renderOptionsTable(SIDECAR_OPTIONS));
  });

  it('gives the test command that CI runs', () => {
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('./dev test ');
    expect(ci).toMatch(/^\.\/dev test$/m);
  });

  it('names only npm scripts that exist', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: object })
        .scripts,
    );
    for (const [, name] of readme.matchAll(/npm run ([a-z:]+)/g)) expect(scripts).toContain(name);
  });
});
