// promtool and Prometheus for the observability tests, installed by test/tools/prometheus/install.sh
// (Debian's package; see the script for why not a Go build).
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const INSTALL_SCRIPT = fileURLToPath(new URL('../../tools/prometheus/install.sh', import.meta.url));

let toolsDir: Promise<string> | undefined;

/** The directory holding `promtool` and `prometheus`, installing them the first time. */
export function prometheusToolsDir(): Promise<string> {
  toolsDir ??= promisify(execFile)('bash', [INSTALL_SCRIPT], { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => {
      const dir = stdout.trim().split('\n').at(-1);
      if (dir === undefined || dir === '')
        throw new Error('test/tools/prometheus/install.sh printed no directory');
      return dir;
    },
  );
  return toolsDir;
}

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs promtool with `args`, feeding `input` on stdin; never throws on a non-zero exit. */
export async function promtool(
  args: readonly string[],
  options: { input?: string; cwd?: string } = {},
): Promise<ToolResult> {
  const bin = join(await prometheusToolsDir(), 'promtool');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
