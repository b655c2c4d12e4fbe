// ENSIGN_TEST_KUBECONFIG: run the integration tests against a cluster someone else runs (kind,
// k3d, a cloud cluster). The kubeconfig must be a cluster admin; nothing is started or torn down
// apart from the handle's own work directory. Identities use impersonation (no CA key here).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectControlPlane } from './control-plane.ts';
import type { ControlPlane, ControlPlaneProvider } from './control-plane.ts';
import { checked, runKubectl } from './kubectl.ts';
import { clientBinaries } from './test-binaries.ts';

export async function connectKubeconfig(
  kubeconfigPath: string,
  provider: ControlPlaneProvider,
  stopCluster: () => Promise<void> = async () => {},
): Promise<ControlPlane> {
  const { kubectl, helm } = await clientBinaries();
  const workDir = await mkdtemp(join(tmpdir(), 'ensign-cluster-client-'));
  const target = { kubectlPath: kubectl, kubeconfigPath, cacheDir: join(workDir, 'kubectl-cache') };
  const query = async (args: string[]): Promise<string> => checked(await runKubectl(target, args), args);
  try {
    const server = await query([
      'config',
      'view',
      '--minify',
      '-o',
      'jsonpath={.clusters[0].cluster.server}',
    ]);
    const version = JSON.parse(await query(['version', '-o', 'json'])) as {
      serverVersion?: { gitVersion?: string };
    };
    return connectControlPlane(
      {
        provider,
        server,
        kubeconfigPath,
        kubectlPath: kubectl,
        helmPath: helm,
        version: version.serverVersion?.gitVersion ?? 'unknown',
        workDir,
        ca: undefined,
        serviceAccountIssuer: undefined,
        serviceAccountSigningKeyPath: undefined,
      },
      {
        async stop() {
          await rm(workDir, { recursive: true, force: true });
          await stopCluster();
        },
      },
    );
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    await stopCluster();
    throw new Error(
      `cannot use the cluster in ${kubeconfigPath}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
