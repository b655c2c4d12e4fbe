// `npm start`: the operator in local mode over examples/ plus one sidecar, on the default ports.
// Ctrl-C stops both; if either exits, the other is stopped too.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = process.env.ENSIGN_EXAMPLES ?? 'examples';

const operator = [
  'operator/src/main.ts',
  `--source=dir:${source}`,
  '--sync-insecure',
  '--sync-addr=127.0.0.1:8443',
  '--ops-addr=127.0.0.1:8080',
];
const sidecar = [
  'sidecar/src/main.ts',
  '--sync-insecure',
  '--operator-addr=127.0.0.1:8443',
  '--auth=none',
  '--namespaces=default,shop',
  '--grpc-reflection',
  '--ops-addr=127.0.0.1:8415',
];

const children: ChildProcess[] = [];
let stopping = false;

function run(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${args[0]} exited (${signal ?? String(code)}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2000).unref();
  Promise.all(
    children.map(
      (c) =>
        new Promise((r) => {
          if (c.exitCode === null) c.once('exit', r);
          else r(null);
        }),
    ),
  ).then(
    () => process.exit(code),
    () => process.exit(code),
  );
}

process.on('SIGINT', () => {
  stop(0);
});
process.on('SIGTERM', () => {
  stop(0);
});

/** Waits for the operator's /readyz, so the sidecar's first connection finds it listening. */
async function operatorReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ready = await fetch('http://127.0.0.1:8080/readyz').then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

run(operator);
// The sidecar would connect anyway (it retries with backoff); starting it after the operator only
// spares the demo a few "connection refused" warnings.
await operatorReady(15_000);
if (children.every((child) => child.exitCode === null)) run(sidecar);
console.error(
  [
    'Ensign is starting: operator over ' + source + '/, sidecar serving namespaces default and shop.',
    '  gRPC  127.0.0.1:8413   (flipt.evaluation.EvaluationService, reflection on)',
    '  HTTP  127.0.0.1:8414   (POST /evaluate/v1/…, /ofrep/v1/…, GET /internal/v1/evaluation/snapshot/…)',
    '  ops   127.0.0.1:8415   (/healthz, /readyz, /metrics)',
    'Edit a file under ' + source + '/ and the answers change within a second. Ctrl-C stops.',
  ].join('\n'),
);
