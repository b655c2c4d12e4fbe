// Runs one benchmark script in a fresh `node --expose-gc` process and returns the JSON line it printed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runChild(script: string, args: readonly string[]): unknown {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const result = spawnSync(process.execPath, ['--expose-gc', path, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} exited with ${result.status ?? result.signal}: ${result.stderr}`,
    );
  }
  const last = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as unknown;
}
