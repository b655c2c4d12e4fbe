// The real deployment path for the cluster benchmarks: the test harness's kube-apiserver + etcd,
// the operator binary with its own RBAC (not the admin credential), and an admin HTTPS client for
// writing objects in bulk (kubectl pays a process start and a GET per object).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { installCrds } from '../../test/src/cluster/install-crds.ts';
import { startControlPlane, type LocalControlPlane } from '../../test/src/cluster/start-control-plane.ts';
import {
  isExecutable,
  needsBuild,
  pickBinaries,
  runBuildScript,
  type TestBinaries,
} from '../../test/src/cluster/test-binaries.ts';
import { issueClientCertificate } from '../../test/src/cluster/test-pki.ts';
import { procUsage } from './proc-usage.ts';
import {
  operatorKubeconfig,
  spawnClusterOperator,
  type ClusterOperator,
} from '../../test/src/harness/cluster-operator.ts';

/** The built binaries, or why the cluster benchmarks cannot run. Never builds (that takes minutes of Go). */
export async function controlPlaneBinaries(): Promise<TestBinaries | string> {
  try {
    const { dir } = await runBuildScript(['--print-dir']);
    if (needsBuild(process.env, isExecutable) && !isExecutable(join(dir, 'kube-apiserver')))
      return `no kube-apiserver/etcd in ${dir}: run \`bash test/cluster/build.sh\` (or set KUBEBUILDER_ASSETS)`;
    return pickBinaries(process.env, dir, isExecutable);
  } catch (error) {
    return `control plane binaries unavailable: ${String(error)}`;
  }
}

export interface BenchCluster {
  readonly plane: LocalControlPlane;
  readonly api: AdminApi;
  readonly operatorKubeconfig: string;
  stop(): Promise<void>;
}

export async function startBenchCluster(
  binaries: TestBinaries,
  log: (line: string) => void,
): Promise<BenchCluster> {
  const plane = await startControlPlane({ binaries, log });
  try {
    await installCrds(plane);
    const ca = plane.ca;
    if (ca === undefined) throw new Error('the local control plane has no CA');
    const pair = await issueClientCertificate(ca, plane.workDir, 'bench-admin', 'bench-admin', [
      'system:masters',
    ]);
    const api = adminApi(plane.server, {
      ca: readFileSync(ca.certPath, 'utf8'),
      cert: readFileSync(pair.certPath, 'utf8'),
      key: readFileSync(pair.keyPath, 'utf8'),
    });
    const kubeconfig = await operatorKubeconfig(plane);
    return {
      plane,
      api,
      operatorKubeconfig: kubeconfig,
      stop: async () => {
        api.close();
        await plane.stop();
      },
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

/** The operator as the chart runs it, minus leader election (one replica). Ready when /readyz is 200. */
export function spawnBenchOperator(
  kubeconfig: string,
  watchNamespaces: readonly string[],
): Promise<ClusterOperator> {
  return spawnClusterOperator({
    kubeconfig,
    watchNamespaces,
    leaseName: 'unused',
    extra: ['--leader-election=false'],
  });
}

export interface AdminApi {
  /** Sends one request; resolves with the status when the response has been read. Throws on ≥ 400. */
  send(method: string, path: string, body: unknown, contentType?: string): Promise<number>;
  close(): void;
}

function adminApi(server: string, tls: { ca: string; cert: string; key: string }): AdminApi {
  const agent = new Agent({ ...tls, keepAlive: true, maxSockets: 32 });
  return {
    send: (method, path, body, contentType = 'application/json') =>
      new Promise((resolve, reject) => {
        const req = request(
          new URL(path, server),
          { method, agent, headers: { 'content-type': contentType } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status >= 400)
                reject(
                  new Error(
                    `${method} ${path}: ${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
                  ),
                );
              else resolve(status);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      }),
    close: () => {
      agent.destroy();
    },
  };
}

export function createNamespace(api: AdminApi, name: string): Promise<number> {
  return api.send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

interface NamespacedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

const PLURALS: Readonly<Record<string, string>> = { Flag: 'flags', Segment: 'segments' };

export function objectPath(object: NamespacedObject): string {
  const plural = PLURALS[object.kind];
  if (plural === undefined || object.metadata.namespace === undefined)
    throw new Error(`cannot place ${object.kind} ${object.metadata.name}`);
  return `/apis/ensign.dev/v1alpha1/namespaces/${object.metadata.namespace}/${plural}`;
}

/** Creates the objects with `concurrency` requests in flight (a bulk apply). */
export async function createAll(
  api: AdminApi,
  objects: readonly NamespacedObject[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const object = objects[next++] as NamespacedObject;
      await api.send('POST', objectPath(object), object);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Waits until the process used under 5 % of a CPU over one second (the operator writes status for
 * every object after its first sync; changes measured during that would time the backlog).
 * Returns the seconds waited.
 */
export async function waitForIdle(pid: number, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  const cpu = (): number => {
    const u = procUsage(pid);
    return u.cpuUserSeconds + u.cpuSystemSeconds;
  };
  let last = cpu();
  while (performance.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpu();
    if (now - last < 0.05) break;
    last = now;
  }
  return Math.round((performance.now() - started) / 100) / 10;
}
