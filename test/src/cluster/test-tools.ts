// Helper tools the integration suites run (kstatus, a Lua interpreter, Helm 4, …), built from Go
// modules under test/tools/ by test/tools/build.sh into the test-binary cache (which also installs
// the system-provided ones, promtool and Prometheus: test/src/observability/prometheus-tools.ts).
// globalSetup builds them once; tests find a tool by name with testTool().
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable, runBuildScript } from './test-binaries.ts';

export const TOOLS_BUILD_SCRIPT = fileURLToPath(new URL('../../tools/build.sh', import.meta.url));

function runToolsBuild(args: readonly string[]): Promise<{ dir: string; stderr: string }> {
  return runBuildScript(args, TOOLS_BUILD_SCRIPT);
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
