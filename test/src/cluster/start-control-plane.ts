// Starts a real etcd and kube-apiserver on free loopback ports for tests and for `npm run cluster`,
// with a throwaway PKI, service-account signing keys (TokenRequest and TokenReview work without
// kube-controller-manager), RBAC, and an admin kubeconfig. stop() removes every trace.
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../harness/processes.ts';
import { apiGet } from './api-get.ts';
import type { ClientTls } from './api-get.ts';
import { apiServerArgs, etcdArgs } from './control-plane-args.ts';
import { connectControlPlane } from './control-plane.ts';
import type { ControlPlane, ControlPlaneInfo } from './control-plane.ts';
import { DaemonProcess } from './daemon-process.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { WORK_DIR_PREFIX, claimWorkDir, reapOrphanedControlPlanes } from './reap-orphaned-control-planes.ts';
import { ensureTestBinaries } from './test-binaries.ts';
import type { TestBinaries } from './test-binaries.ts';
import { createTestPki, issueClientCertificate } from './test-pki.ts';
import type { TestPki } from './test-pki.ts';

export interface StartControlPlaneOptions {
  /** Binaries to run; resolved with ensureTestBinaries() (building them if needed) when absent. */
  readonly binaries?: TestBinaries;
  /** Extra kube-apiserver flags, appended last (later flags win). */
  readonly apiServerArgs?: readonly string[];
  /** Start-up deadline per attempt. Two cores can need 30 s; the default leaves room. */
  readonly startTimeoutMs?: number;
  /** Keep the work directory (logs, etcd data, credentials) after stop() for debugging. */
  readonly keepWorkDir?: boolean;
  readonly log?: (line: string) => void;
}

/** A control plane this process started. */
export interface LocalControlPlane extends ControlPlane {
  readonly etcdLogPath: string;
  readonly apiServerLogPath: string;
}

/** Matches what real clusters use, so audiences and `iss` look the way they do in production. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const PORT_IN_USE = /address already in use/i;

async function workRoot(log: (line: string) => void): Promise<string> {
  // tmpfs keeps etcd's writes off the disk; fall back to the OS temp dir elsewhere.
  const shm = '/dev/shm';
  const base = existsSync(shm) ? shm : tmpdir();
  for (const dir of reapOrphanedControlPlanes(base)) log(`removed the orphaned control plane in ${dir}`);
  const workDir = await mkdtemp(join(base, WORK_DIR_PREFIX));
  claimWorkDir(workDir);
  return workDir;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

class StartError extends Error {
  readonly portClash: boolean;
  constructor(message: string, portClash: boolean) {
    super(message);
    this.portClash = portClash;
  }
}

/** Polls `probe` until it holds; fails at once, with the component's log, if the component exits. */
async function waitUntilServing(
  component: DaemonProcess,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = `timed out after ${timeoutMs} ms waiting for ${what}`;
  for (;;) {
    if (!component.running) {
      problem = `${component.name} exited while waiting for ${what}`;
      break;
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = component.tail();
  throw new StartError(
    `${problem}\n--- ${component.name} log (${component.logPath}):\n${log}`,
    PORT_IN_USE.test(log),
  );
}

interface Credentials {
  readonly pki: TestPki;
  /** The admin's client certificate and the CA, for polling before any kubeconfig exists. */
  readonly admin: ClientTls;
}

async function createCredentials(pkiDir: string): Promise<Credentials> {
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const pki = await createTestPki(pkiDir);
  const pair = await issueClientCertificate(pki.ca, pkiDir, 'admin', 'admin', ['system:masters']);
  const [ca, cert, key] = await Promise.all(
    [pki.ca.certPath, pair.certPath, pair.keyPath].map((path) => readFile(path, 'utf8')),
  );
  return { pki, admin: { ca: ca ?? '', cert: cert ?? '', key: key ?? '' } };
}

/** The running processes of one plane; stop() and the exit hook act on whatever exists. */
class Components {
  etcd: DaemonProcess | undefined;
  apiServer: DaemonProcess | undefined;

  async stop(): Promise<void> {
    await this.apiServer?.stop(20_000);
    await this.etcd?.stop(10_000);
  }

  killNow(): void {
    this.apiServer?.killNow();
    this.etcd?.killNow();
  }
}

interface Layout {
  readonly workDir: string;
  readonly pkiDir: string;
  readonly etcdDataDir: string;
  readonly etcdLogPath: string;
  readonly apiServerLogPath: string;
  readonly kubeconfigPath: string;
}

function layout(workDir: string): Layout {
  return {
    workDir,
    pkiDir: join(workDir, 'pki'),
    etcdDataDir: join(workDir, 'etcd-data'),
    etcdLogPath: join(workDir, 'etcd.log'),
    apiServerLogPath: join(workDir, 'kube-apiserver.log'),
    kubeconfigPath: join(workDir, 'admin.kubeconfig'),
  };
}

async function startEtcd(
  components: Components,
  binary: string,
  dirs: Layout,
  ports: { client: number; peer: number },
  timeoutMs: number,
): Promise<void> {
  await rm(dirs.etcdDataDir, { recursive: true, force: true });
  const args = etcdArgs({ dataDir: dirs.etcdDataDir, clientPort: ports.client, peerPort: ports.peer });
  const etcd = new DaemonProcess('etcd', binary, args, dirs.etcdLogPath);
  components.etcd = etcd;
  await waitUntilServing(
    etcd,
    'etcd /health',
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.client}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    },
    timeoutMs,
  );
}

async function startApiServer(
  components: Components,
  binary: string,
  args: readonly string[],
  dirs: Layout,
  server: string,
  admin: ClientTls,
  timeoutMs: number,
): Promise<void> {
  const apiServer = new DaemonProcess('kube-apiserver', binary, args, dirs.apiServerLogPath);
  components.apiServer = apiServer;
  const ok = (path: string) => async () => (await apiGet(server, path, admin)).status === 200;
  // /readyz waits for the RBAC and namespace bootstrap hooks; `default` can still lag (envtest polls it too).
  await waitUntilServing(apiServer, 'kube-apiserver /readyz', ok('/readyz'), timeoutMs);
  await waitUntilServing(apiServer, 'the default namespace', ok('/api/v1/namespaces/default'), timeoutMs);
}

/** Starts etcd then kube-apiserver on fresh ports, retrying when another process took a port first. */
async function startComponents(
  components: Components,
  binaries: TestBinaries,
  dirs: Layout,
  credentials: Credentials,
  options: StartControlPlaneOptions,
): Promise<{ server: string; apiArgs: string[] }> {
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const { pki, admin } = credentials;
  for (let attempt = 1; ; attempt++) {
    const [etcdClientPort = 0, etcdPeerPort = 0, securePort = 0] = await distinctFreePorts(3);
    const server = `https://127.0.0.1:${securePort}`;
    const apiArgs = apiServerArgs({
      etcdClientPort,
      securePort,
      certDir: dirs.pkiDir,
      servingCertPath: pki.serving.certPath,
      servingKeyPath: pki.serving.keyPath,
      clientCaPath: pki.ca.certPath,
      serviceAccountPublicKeyPath: pki.serviceAccountPublicKeyPath,
      serviceAccountPrivateKeyPath: pki.serviceAccountPrivateKeyPath,
      serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
      ...(options.apiServerArgs === undefined ? {} : { extraArgs: options.apiServerArgs }),
    });
    try {
      await startEtcd(
        components,
        binaries.etcd,
        dirs,
        { client: etcdClientPort, peer: etcdPeerPort },
        timeoutMs,
      );
      await startApiServer(components, binaries['kube-apiserver'], apiArgs, dirs, server, admin, timeoutMs);
      return { server, apiArgs };
    } catch (error) {
      await components.stop();
      // Free ports are only suggestions (another process can take one first): retry with new ones.
      if (!(error instanceof StartError && error.portClash) || attempt >= 3) throw error;
      options.log?.(`port clash on start attempt ${attempt}; retrying with other ports`);
    }
  }
}

export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<LocalControlPlane> {
  const log = options.log ?? (() => undefined);
  const binaries = options.binaries ?? (await ensureTestBinaries(process.env, log));
  const started = Date.now();
  const dirs = layout(await workRoot(log));
  const components = new Components();
  const removeWorkDir = options.keepWorkDir !== true;
  const killNow = (): void => {
    components.killNow();
    if (removeWorkDir) rmSync(dirs.workDir, { recursive: true, force: true });
  };
  // Last resort when the process exits without stop() (a crashed runner, process.exit in a test,
  // Ctrl-C during start-up). Registered before anything exists that it must clean up.
  process.once('exit', killNow);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killNow);
    await components.stop();
    if (removeWorkDir) await rm(dirs.workDir, { recursive: true, force: true });
  };

  let credentials: Credentials;
  let server: string;
  let apiArgs: string[];
  try {
    credentials = await createCredentials(dirs.pkiDir);
    ({ server, apiArgs } = await startComponents(components, binaries, dirs, credentials, options));
  } catch (error) {
    await stop();
    throw error;
  }
  const { pki, admin } = credentials;
  await writeFile(
    dirs.kubeconfigPath,
    renderKubeconfig({
      server,
      caPem: admin.ca,
      userName: 'admin',
      user: { clientCertificatePem: admin.cert, clientKeyPem: admin.key },
    }),
    { mode: 0o600 },
  );
  const version = (JSON.parse((await apiGet(server, '/version', admin)).body) as { gitVersion: string })
    .gitVersion;
  log(`control plane ${version} ready at ${server} in ${Date.now() - started} ms`);

  const info: ControlPlaneInfo = {
    provider: 'local',
    server,
    kubeconfigPath: dirs.kubeconfigPath,
    kubectlPath: binaries.kubectl,
    helmPath: binaries.helm,
    version,
    workDir: dirs.workDir,
    ca: pki.ca,
    serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
    serviceAccountSigningKeyPath: pki.serviceAccountPrivateKeyPath,
  };
  const restartApiServer = async (): Promise<void> => {
    const restarted = Date.now();
    await components.apiServer?.stop(20_000);
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    await startApiServer(components, binaries['kube-apiserver'], apiArgs, dirs, server, admin, timeoutMs);
    log(`kube-apiserver restarted in ${Date.now() - restarted} ms`);
  };
  return {
    ...connectControlPlane(info, { stop, restartApiServer }),
    etcdLogPath: dirs.etcdLogPath,
    apiServerLogPath: dirs.apiServerLogPath,
  };
}
