// Opt-in (ENSIGN_TEST_PROVIDER=k3s): a full k3s cluster in Docker through @testcontainers/k3s, for
// people who have a Docker engine and want what the local control plane lacks (controllers,
// garbage collection, namespace deletion, nodes). Not used in CI, which has no Docker, and not a
// dependency of the project: install it with `npm install --no-save @testcontainers/k3s`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ControlPlane } from './control-plane.ts';
import { connectKubeconfig } from './existing-cluster.ts';

interface StartedK3s {
  getKubeConfig(): string;
  stop(): Promise<unknown>;
}
interface K3sModule {
  K3sContainer: new (image: string) => { start(): Promise<StartedK3s> };
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export async function startK3sControlPlane(image: string): Promise<ControlPlane> {
  if (!(await dockerAvailable()))
    throw new Error('ENSIGN_TEST_PROVIDER=k3s needs a running Docker engine (`docker info` failed)');
  // A variable specifier keeps TypeScript and the lockfile free of this optional package.
  const specifier = '@testcontainers/k3s';
  let k3s: K3sModule;
  try {
    k3s = (await import(specifier)) as K3sModule;
  } catch (error) {
    throw new Error('ENSIGN_TEST_PROVIDER=k3s needs `npm install --no-save @testcontainers/k3s`', {
      cause: error,
    });
  }
  const container = await new k3s.K3sContainer(image).start();
  const dir = await mkdtemp(join(tmpdir(), 'ensign-k3s-'));
  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfigPath, container.getKubeConfig(), { mode: 0o600 });
  return connectKubeconfig(kubeconfigPath, 'k3s', async () => {
    await container.stop();
    await rm(dir, { recursive: true, force: true });
  });
}
