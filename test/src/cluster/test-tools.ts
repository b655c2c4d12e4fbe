// Helper tools the integration suites run (kstatus, a Lua interpreter, promtool, Prometheus, …),
// built from Go modules under test/tools/ by test/tools/build.sh into the test-binary cache.
// globalSetup builds them once; tests find a tool by name with testTool().
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isExecutable } from './test-binaries.ts';

export const TOOLS_BUILD_SCRIPT = fileURLToPath(new URL('../../tools/build.sh', import.meta.url));

async function runToolsBuild(args: readonly string[]): Promise<{ dir: string; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)('bash', [TOOLS_BUILD_SCRIPT, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const dir = stdout.trim().split('\n').at(-1);
  if (dir === undefined || dir === '')
    throw new Error(`test/tools/build.sh printed no directory:\n${stderr}`);
  return { dir, stderr };
}

/** Builds every tool module whose sources changed (a no-op otherwise); returns the tools directory. */
export async function ensureTestTools(log: (line: string) => void = () => undefined): Promise<string> {
  const started = Date.now();
  const { dir, stderr } = await runToolsBuild([]);
  for (const line of stderr.split('\n')) if (line.trim() !== '') log(line);
  log(`test tools ready in ${Date.now() - started} ms`);
  return dir;
}

/** Absolute path of a built tool; fails with the command that builds it when it is missing. */
export async function testTool(name: string): Promise<string> {
  const { dir } = await runToolsBuild(['--print-dir']);
  const path = join(dir, name);
  if (!isExecutable(path))
    throw new Error(`test tool ${name} is not built in ${dir}: run bash test/tools/build.sh`);
  return path;
}
