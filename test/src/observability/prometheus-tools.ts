// promtool and Prometheus for the observability tests, installed by test/tools/prometheus/install.sh
// (Debian's package; see the script for why not a Go build).
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
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

export interface RunningPrometheus {
  readonly url: string;
  /** Instant query; the result vector's samples as labels + value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  output(): string;
  stop(): Promise<void>;
}

/** A real Prometheus scraping `targets` (job name → host:port) every second, on a free port. */
export async function startPrometheus(
  targets: Readonly<Record<string, string>>,
  port: number,
  dir: string,
): Promise<RunningPrometheus> {
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: Object.entries(targets).map(([job, target]) => ({
      job_name: job,
      // The flag namespace is the metric's own `namespace` label, as with honorLabels in Kubernetes.
      honor_labels: true,
      static_configs: [{ targets: [target] }],
    })),
  };
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, JSON.stringify(config));
  const child = spawn(
    join(await prometheusToolsDir(), 'prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    output: () => output,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success' || body.data?.resultType !== 'vector')
        throw new Error(`query ${promql} failed: ${body.error ?? JSON.stringify(body)}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
