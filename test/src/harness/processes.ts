// Starts the real Ensign binaries as child processes on free loopback ports, the way `npm start`
// and a pod run them, and tears them down after each suite.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from './free-port.ts';

export { freePort };

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ensign-${prefix}-`));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A running binary with its JSON log lines collected. */
export class EnsignProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly #exited: Promise<number | null>;

  constructor(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.name = name;
    this.child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(line);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.#exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        resolve(code);
      }),
    );
  }

  /** Parsed JSON log records (non-JSON lines are skipped). */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.lines) {
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log record
      }
    }
    return out;
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  exited(): Promise<number | null> {
    return this.#exited;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#exited;
  }

  describe(): string {
    return `${this.name} output:\n${this.lines.slice(-40).join('\n')}`;
  }
}

export interface OperatorPorts {
  readonly sync: number;
  readonly ops: number;
}

export async function startOperator(sourceDir: string, ports?: OperatorPorts, extra: string[] = []) {
  const p = ports ?? { sync: await freePort(), ops: await freePort() };
  const proc = new EnsignProcess('operator', [
    'operator/src/main.ts',
    `--source=dir:${sourceDir}`,
    '--sync-insecure',
    `--sync-addr=127.0.0.1:${p.sync}`,
    `--ops-addr=127.0.0.1:${p.ops}`,
    '--debounce-ms=20',
    ...extra,
  ]);
  await waitForReady(proc, p.ops);
  return { proc, ports: p };
}

export interface SidecarPorts {
  readonly grpc: number;
  readonly http: number;
  readonly ops: number;
}

export async function sidecarPorts(): Promise<SidecarPorts> {
  return { grpc: await freePort(), http: await freePort(), ops: await freePort() };
}

export function spawnSidecar(
  operatorSyncPort: number,
  ports: SidecarPorts,
  stateDir: string,
  extra: string[] = [],
): EnsignProcess {
  return new EnsignProcess('sidecar', [
    'sidecar/src/main.ts',
    '--sync-insecure',
    `--operator-addr=127.0.0.1:${operatorSyncPort}`,
    '--auth=none',
    `--grpc-addr=127.0.0.1:${ports.grpc}`,
    `--http-addr=127.0.0.1:${ports.http}`,
    `--ops-addr=127.0.0.1:${ports.ops}`,
    `--state-dir=${stateDir}`,
    '--reconnect-min-ms=50',
    '--reconnect-max-ms=500',
    ...extra,
  ]);
}

export async function waitForReady(proc: EnsignProcess, opsPort: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `${proc.name} /readyz`,
    async () => {
      if (proc.exitCode !== null)
        throw new Error(`${proc.name} exited with ${proc.exitCode}\n${proc.describe()}`);
      const res = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
      return res.status === 200 ? true : undefined;
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${proc.describe()}`);
  });
}
