// Each image's exact start command, run outside Docker: the files the Dockerfile copies are laid out
// in a temporary /app (through .dockerignore), its `npm ci --omit=dev -w <workspace>` runs there
// from the npm cache, and ENTRYPOINT is started in that directory with the image's ENV. The
// operator serves examples/ in local mode; the sidecar syncs from it. Both must become ready,
// pass the image's HEALTHCHECK command, and exit 0 soon after SIGTERM.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, tempDir, waitFor } from '../harness/processes.ts';
import { booleanOf } from '../harness/rest.ts';
import { envOf, healthcheckCommand, startCommand } from './dockerfile.ts';
import type { Stage } from './dockerfile.ts';
import { IMAGES, readDockerfile, readDockerIgnore } from './image-files.ts';
import type { ImageSpec } from './image-files.ts';
import { layOutImage } from './image-layout.ts';

const run = promisify(execFile);
/** Outside the image `node` is this test's Node 24; the image's PATH puts its own first. */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
const STOP_WITHIN_MS = 5_000;

interface Laid {
  readonly root: string;
  readonly stage: Stage;
  readonly npmCiMs: number;
}

const laid = new Map<string, Laid>();
const scratch: string[] = [];
const children: ChildProcess[] = [];
const measured: Record<string, number> = {};

async function layOut(spec: ImageSpec): Promise<Laid> {
  const dockerfile = readDockerfile(spec);
  const into = await tempDir(`image-${spec.workspace}`);
  scratch.push(into);
  let npmCiMs = 0;
  const started = Date.now();
  const root = await layOutImage(dockerfile, {
    contextDir: REPO_ROOT,
    ignore: readDockerIgnore(),
    into,
    npm: async (args, cwd) => {
      const started = Date.now();
      await run('npm', [...args, '--prefer-offline'], {
        cwd,
        env: { ...process.env, PATH },
        maxBuffer: 1 << 24,
      });
      npmCiMs += Date.now() - started;
    },
    // Hard links: node_modules is large and nothing writes to the stages once laid out.
    copyTree: async (from, to) => {
      await mkdir(to, { recursive: true });
      await run('cp', ['-a', '--link', `${from}/.`, to]);
    },
  });
  const stage = dockerfile.stages.at(-1);
  if (stage === undefined) throw new Error(`${spec.file} has no stage`);
  measured[`${spec.workspace}NpmCiMs`] = npmCiMs;
  measured[`${spec.workspace}LayoutMs`] = Date.now() - started;
  return { root, stage, npmCiMs };
}

/** A container's environment: the image's ENV and the pod's variables, nothing from this machine. */
function imageEnv(stage: Stage, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: '/home/nonroot' };
  for (const [key, value] of envOf(stage)) if (key !== 'PATH') env[key] = value;
  return { ...env, ...extra, PATH };
}

interface Started {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

/** ENTRYPOINT + CMD of the image, then the pod's args, in the image's WORKDIR. */
function start(image: Laid, args: string[], env: NodeJS.ProcessEnv): Started {
  const [command = '', ...rest] = startCommand(image.stage);
  const child = spawn(command, [...rest, ...args], {
    cwd: image.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, output, exited };
}

async function readyz(started: Started, opsPort: number): Promise<void> {
  await waitFor(
    `/readyz on ${opsPort}`,
    async () => {
      if (started.child.exitCode !== null)
        throw new Error(`exited with ${started.child.exitCode}:\n${started.output.join('')}`);
      return (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200 ? true : undefined;
    },
    30_000,
    50,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${started.output.join('').slice(-4000)}`);
  });
}

/** Runs the image's HEALTHCHECK command as Docker would, in the container's environment. */
async function healthcheck(image: Laid, env: NodeJS.ProcessEnv): Promise<number> {
  const [command = '', ...args] = healthcheckCommand(image.stage) ?? [];
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: image.root, env, stdio: 'ignore' });
    child.once('exit', (code) => {
      resolve(code ?? -1);
    });
  });
}

async function stopped(started: Started): Promise<{ code: number | null; ms: number }> {
  const begun = Date.now();
  started.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) =>
    setTimeout(() => {
      r('timeout');
    }, STOP_WITHIN_MS + 1_000),
  );
  const code = await Promise.race([started.exited, timeout]);
  if (code === 'timeout') throw new Error(`no exit within ${STOP_WITHIN_MS + 1_000} ms of SIGTERM`);
  return { code, ms: Date.now() - begun };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

beforeAll(async () => {
  for (const spec of IMAGES) laid.set(spec.workspace, await layOut(spec));
}, 300_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  console.log(`image entrypoints, measured: ${JSON.stringify(measured)}`);
});

function image(workspace: string): Laid {
  const found = laid.get(workspace);
  if (found === undefined) throw new Error(`${workspace} image not laid out`);
  return found;
}

describe.each(IMAGES)('the $workspace image laid out from $file', (spec) => {
  it('holds its workspace, core and proto, and no test files, test data or other workspaces', async () => {
    const { root } = image(spec.workspace);
    const files = (await filesUnder(root)).filter((f) => !f.startsWith('node_modules/'));
    expect(files).toContain(`${spec.workspace}/src/main.ts`);
    expect(files).toContain('core/src/process.ts');
    expect(files.some((f) => f.startsWith('proto/gen/'))).toBe(true);
    expect(files.filter((f) => /\.test\.ts$|\/testdata\/|\/test-support\//.test(f))).toEqual([]);
    const other = spec.workspace === 'operator' ? 'sidecar' : 'operator';
    expect(
      files.filter((f) => /^(test|bench|docs|examples|scripts)\//.test(f) || f.startsWith(`${other}/`)),
    ).toEqual([]);
  });

  it('has production dependencies only', () => {
    const { root } = image(spec.workspace);
    expect(existsSync(join(root, 'node_modules/@ensign/core'))).toBe(true);
    expect(existsSync(join(root, 'node_modules/pino'))).toBe(true);
    for (const dev of ['vitest', 'typescript', 'eslint', 'dockerfile-utils', '@bufbuild/buf', 'ts-proto'])
      expect(existsSync(join(root, 'node_modules', dev)), dev).toBe(false);
  });
});

describe('the image entrypoints started outside Docker', () => {
  let operatorSync: number;
  let operatorOps: number;
  let operator: Started;
  let operatorEnv: NodeJS.ProcessEnv;

  it('the operator starts with `node operator/src/main.ts`, becomes ready and passes its health check', async () => {
    const laidOperator = image('operator');
    operatorSync = await freePort();
    operatorOps = await freePort();
    operatorEnv = imageEnv(laidOperator.stage, { ENSIGN_OPS_ADDR: `127.0.0.1:${operatorOps}` });
    const started = Date.now();
    operator = start(
      laidOperator,
      [
        `--source=dir:${join(REPO_ROOT, 'examples')}`,
        '--sync-insecure',
        `--sync-addr=127.0.0.1:${operatorSync}`,
      ],
      operatorEnv,
    );
    await readyz(operator, operatorOps);
    measured.operatorReadyMs = Date.now() - started;
    expect(await healthcheck(laidOperator, operatorEnv)).toBe(0);
  });

  it('the sidecar starts with `node sidecar/src/main.ts` (reflection on), syncs, answers and passes its health check', async () => {
    const laidSidecar = image('sidecar');
    const [grpc, http, ops] = [await freePort(), await freePort(), await freePort()];
    const env = imageEnv(laidSidecar.stage, { ENSIGN_OPS_ADDR: `127.0.0.1:${ops}` });
    const stateDir = await tempDir('image-sidecar-state');
    scratch.push(stateDir);
    const started = Date.now();
    const sidecar = start(
      laidSidecar,
      [
        `--operator-addr=127.0.0.1:${operatorSync}`,
        '--sync-insecure',
        '--auth=none',
        `--grpc-addr=127.0.0.1:${grpc}`,
        `--http-addr=127.0.0.1:${http}`,
        `--state-dir=${stateDir}`,
        '--namespaces=default,shop',
        '--grpc-reflection', // loads the shipped .proto files at start
      ],
      env,
    );
    await readyz(sidecar, ops);
    measured.sidecarReadyMs = Date.now() - started;
    expect(await healthcheck(laidSidecar, env)).toBe(0);
    const answer = await booleanOf(`http://127.0.0.1:${http}`, 'payments-enabled');
    expect(answer).toMatchObject({ status: 200, body: { enabled: true } });

    const stop = await stopped(sidecar);
    measured.sidecarStopMs = stop.ms;
    expect(stop.code, sidecar.output.join('')).toBe(0);
    expect(stop.ms).toBeLessThan(STOP_WITHIN_MS);
    expect(await healthcheck(laidSidecar, env)).not.toBe(0); // nothing answers any more
  });

  it('the operator exits 0 within seconds of SIGTERM', async () => {
    const stop = await stopped(operator);
    measured.operatorStopMs = stop.ms;
    expect(stop.code, operator.output.join('')).toBe(0);
    expect(stop.ms).toBeLessThan(STOP_WITHIN_MS);
    expect(await healthcheck(image('operator'), operatorEnv)).not.toBe(0);
  });
});
