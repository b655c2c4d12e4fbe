// Finds the control plane's binaries the way controller-runtime's envtest does, so setup-envtest
// assets work unchanged: TEST_ASSET_<NAME>, then $KUBEBUILDER_ASSETS/<name>, then the directory
// test/cluster/build.sh builds into (building first when needed), then PATH for kubectl and helm.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const BINARY_NAMES = ['kube-apiserver', 'etcd', 'kubectl', 'helm'] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];
export type TestBinaries = Readonly<Record<BinaryName, string>>;

export const BUILD_SCRIPT = fileURLToPath(new URL('../../cluster/build.sh', import.meta.url));

/** envtest's per-binary variable: upper case, punctuation to `_` (TEST_ASSET_KUBE_APISERVER). */
export function assetVariable(name: BinaryName): string {
  return `TEST_ASSET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export type Env = Readonly<Record<string, string | undefined>>;
type Exists = (path: string) => boolean;

function fromEnvironment(name: BinaryName, env: Env, exists: Exists): string | undefined {
  const explicit = env[assetVariable(name)];
  if (explicit !== undefined && explicit !== '') return explicit;
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets !== undefined && assets !== '' && exists(join(assets, name))) return join(assets, name);
  return undefined;
}

/** True when the server binaries are not supplied from outside, so build.sh must provide them. */
export function needsBuild(env: Env, exists: Exists): boolean {
  return (['kube-apiserver', 'etcd'] as const).some(
    (name) => fromEnvironment(name, env, exists) === undefined,
  );
}

/**
 * Picks one binary. `builtDir` is build.sh's output directory. kubectl and helm fall back to PATH
 * (a bare name) so KUBEBUILDER_ASSETS from setup-envtest, which ships no helm, still works.
 */
export function pickBinary(name: BinaryName, env: Env, builtDir: string | undefined, exists: Exists): string {
  const supplied = fromEnvironment(name, env, exists);
  if (supplied !== undefined) return supplied;
  if (builtDir !== undefined && exists(join(builtDir, name))) return join(builtDir, name);
  if (name === 'kubectl' || name === 'helm') return name;
  throw new Error(
    `no ${name} binary: set ${assetVariable(name)} or KUBEBUILDER_ASSETS, or run bash test/cluster/build.sh`,
  );
}

export function pickBinaries(env: Env, builtDir: string | undefined, exists: Exists): TestBinaries {
  const pick = (name: BinaryName): string => pickBinary(name, env, builtDir, exists);
  return {
    'kube-apiserver': pick('kube-apiserver'),
    etcd: pick('etcd'),
    kubectl: pick('kubectl'),
    helm: pick('helm'),
  };
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a build script that prints its output directory as the last line (build.sh by default). */
export async function runBuildScript(
  args: readonly string[],
  script: string = BUILD_SCRIPT,
): Promise<{ dir: string; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)('bash', [script, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const dir = stdout.trim().split('\n').at(-1);
  if (dir === undefined || dir === '') throw new Error(`${script} printed no directory:\n${stderr}`);
  return { dir, stderr };
}

/** Runs build.sh (a no-op when its stamp matches) and returns the asset directory it printed. */
export async function buildTestBinaries(log: (line: string) => void = () => undefined): Promise<string> {
  const started = Date.now();
  const { dir, stderr } = await runBuildScript([]);
  for (const line of stderr.split('\n')) if (line.trim() !== '') log(line);
  log(`test binaries ready in ${Date.now() - started} ms`);
  return dir;
}

/**
 * Resolves every binary, building the server binaries first when nothing supplies them. When
 * they are supplied, kubectl and helm may still come from an earlier build.
 */
export async function ensureTestBinaries(
  env: Env = process.env,
  log?: (line: string) => void,
): Promise<TestBinaries> {
  const builtDir = needsBuild(env, isExecutable)
    ? await buildTestBinaries(log)
    : (await runBuildScript(['--print-dir'])).dir;
  return pickBinaries(env, builtDir, isExecutable);
}

/** kubectl and helm only (for clusters this harness does not start); never builds. */
export async function clientBinaries(
  env: Env = process.env,
): Promise<Pick<TestBinaries, 'kubectl' | 'helm'>> {
  const { dir } = await runBuildScript(['--print-dir']);
  return {
    kubectl: pickBinary('kubectl', env, dir, isExecutable),
    helm: pickBinary('helm', env, dir, isExecutable),
  };
}
