// The real CRDs of the Prometheus Operator and cert-manager, so the API server can check the
// chart's ServiceMonitor, PodMonitor, PrometheusRule, Issuer and Certificate. They come from the Go
// module zips (the Go module proxy is reachable where the test control plane is built) and are
// copied into the test-binary cache once; they are never committed.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ThirdPartyCrds {
  readonly module: string;
  readonly version: string;
  /** Directory inside the module. */
  readonly dir: string;
  readonly files: readonly string[];
  /** The CRD object name of each file, in the same order. */
  readonly names: readonly string[];
}

export const PROMETHEUS_OPERATOR_CRDS: ThirdPartyCrds = {
  module: 'github.com/prometheus-operator/prometheus-operator',
  version: 'v0.85.0',
  dir: 'example/prometheus-operator-crd-full',
  files: [
    'monitoring.coreos.com_servicemonitors.yaml',
    'monitoring.coreos.com_podmonitors.yaml',
    'monitoring.coreos.com_prometheusrules.yaml',
  ],
  names: [
    'servicemonitors.monitoring.coreos.com',
    'podmonitors.monitoring.coreos.com',
    'prometheusrules.monitoring.coreos.com',
  ],
};

export const CERT_MANAGER_CRDS: ThirdPartyCrds = {
  module: 'github.com/cert-manager/cert-manager',
  version: 'v1.21.2',
  dir: 'deploy/crds',
  files: ['cert-manager.io_issuers.yaml', 'cert-manager.io_certificates.yaml'],
  names: ['issuers.cert-manager.io', 'certificates.cert-manager.io'],
};

function cacheRoot(env: NodeJS.ProcessEnv): string {
  return env.ENSIGN_TESTBIN_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ensign', 'testbin');
}

/** Paths of the CRD files, downloading the module with `go mod download` the first time. */
export async function thirdPartyCrdFiles(
  crds: ThirdPartyCrds,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const dir = join(cacheRoot(env), 'crds', `${crds.module.replaceAll('/', '_')}@${crds.version}`);
  const paths = crds.files.map((f) => join(dir, f));
  if (paths.every((p) => existsSync(p))) return paths;
  const { stdout } = await promisify(execFile)(
    'go',
    ['mod', 'download', '-json', `${crds.module}@${crds.version}`],
    { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
  );
  const { Dir: moduleDir, Error: error } = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (moduleDir === undefined) throw new Error(`go mod download ${crds.module}: ${error ?? 'no Dir'}`);
  // Copy through a staging directory so a concurrent run never sees half the files.
  const staging = `${dir}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  for (const f of crds.files) copyFileSync(join(moduleDir, crds.dir, f), join(staging, f));
  mkdirSync(join(dir, '..'), { recursive: true });
  if (!existsSync(dir)) renameSync(staging, dir);
  return paths;
}
