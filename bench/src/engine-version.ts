// Which package version each engine row measured (read from the installed package, not assumed).
import { existsSync, readFileSync } from 'node:fs';
import type { EngineName } from './eval-engine.ts';

const PACKAGES: Readonly<Record<Exclude<EngineName, 'ensign'>, string>> = {
  flagd: '@openfeature/flagd-core',
  flipt: '@flipt-io/flipt-client-js',
  unleash: 'unleash-client',
};

function installedVersion(pkg: string): string {
  // npm workspaces hoist to the root node_modules; a workspace-local copy would win.
  for (const base of ['../node_modules/', '../../node_modules/']) {
    const url = new URL(`${base}${pkg}/package.json`, import.meta.url);
    if (existsSync(url)) {
      const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
      return typeof parsed.version === 'string' ? parsed.version : '?';
    }
  }
  return '?';
}

export function engineVersion(engine: EngineName | 'ensign-compile'): string {
  if (engine === 'ensign' || engine === 'ensign-compile') return 'workspace';
  const pkg = PACKAGES[engine];
  return `${pkg}@${installedVersion(pkg)}`;
}
