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

async function workRoot(): Promise<string> {
  // tmpfs keeps etcd's writes off the disk; fall back to the OS temp dir elsewhere.
  const shm = '/dev/shm';
  const base = existsSync(shm) ? shm : tmpdir();
  return mkdtemp(join(base, 'ensign-control-plane-'));
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

export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<LocalControlPlane> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const binaries = options.binaries ?? (await ensureTestBinaries(process.env, log));
  const started = Date.now();
  const workDir = await workRoot();
  const pkiDir = join(workDir, 'pki');
  let etcd: DaemonProcess | undefined;
  let apiServer: DaemonProcess | undefined;
  let stopped = false;
  const killNow = (): void => {
    apiServer?.killNow();
    etcd?.killNow();
    if (options.keepWorkDir !== true) rmSync(workDir, { recursive: true, force: true });
  };
  // Last resort when the process exits without stop() (a crashed runner, process.exit in a test,
  // Ctrl-C during start-up). Registered before anything exists that it must clean up.
  process.once('exit', killNow);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killNow);
    await apiServer?.stop(20_000);
    await etcd?.stop(10_000);
    if (options.keepWorkDir !== true) await rm(workDir, { recursive: true, force: true });
  };

  const etcdLogPath = join(workDir, 'etcd.log');
  const apiServerLogPath = join(workDir, 'kube-apiserver.log');
  let apiPort = 0;
  let apiArgs: string[] = [];
  const server = (): string => `https://127.0.0.1:${apiPort}`;

  let pki: TestPki | undefined;
  let tls: ClientTls = { ca: '', cert: '', key: '' };
  const startApiServer = async (): Promise<void> => {
    apiServer = new DaemonProcess('kube-apiserver', binaries['kube-apiserver'], apiArgs, apiServerLogPath);
    // /readyz waits for the RBAC and namespace bootstrap hooks; `default` can still lag (envtest polls it too).
    await waitUntilServing(
      apiServer,
      'kube-apiserver /readyz',
      async () => (await apiGet(server(), '/readyz', tls)).status === 200,
      timeoutMs,
    );
    await waitUntilServing(
      apiServer,
      'the default namespace',
      async () => (await apiGet(server(), '/api/v1/namespaces/default', tls)).status === 200,
      timeoutMs,
    );
  };

  try {
    await mkdir(pkiDir, { recursive: true, mode: 0o700 });
    pki = await createTestPki(pkiDir);
    const adminPair = await issueClientCertificate(pki.ca, pkiDir, 'admin', 'admin', ['system:masters']);
    tls = {
      ca: await readFile(pki.ca.certPath, 'utf8'),
      cert: await readFile(adminPair.certPath, 'utf8'),
      key: await readFile(adminPair.keyPath, 'utf8'),
    };
    for (let attempt = 1; ; attempt++) {
      const [etcdClientPort = 0, etcdPeerPort = 0, securePort = 0] = await distinctFreePorts(3);
      apiPort = securePort;
      try {
        const dataDir = join(workDir, 'etcd-data');
        await rm(dataDir, { recursive: true, force: true });
        etcd = new DaemonProcess(
          'etcd',
          binaries.etcd,
          etcdArgs({ dataDir, clientPort: etcdClientPort, peerPort: etcdPeerPort }),
          etcdLogPath,
        );
        const etcdProcess = etcd;
        await waitUntilServing(
          etcdProcess,
          'etcd /health',
          async () => {
            const res = await fetch(`http://127.0.0.1:${etcdClientPort}/health`);
            return res.ok && ((await res.json()) as { health?: string }).health === 'true';
          },
          timeoutMs,
        );
        apiArgs = apiServerArgs({
          etcdClientPort,
          securePort,
          certDir: pkiDir,
          servingCertPath: pki.serving.certPath,
          servingKeyPath: pki.serving.keyPath,
          clientCaPath: pki.ca.certPath,
          serviceAccountPublicKeyPath: pki.serviceAccountPublicKeyPath,
          serviceAccountPrivateKeyPath: pki.serviceAccountPrivateKeyPath,
          serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
          ...(options.apiServerArgs === undefined ? {} : { extraArgs: options.apiServerArgs }),
        });
        await startApiServer();
        break;
      } catch (error) {
        await apiServer?.stop(5_000);
        await etcd?.stop(5_000);
        // Free ports are only suggestions (another process can take one first): retry with new ones.
        if (!(error instanceof StartError && error.portClash) || attempt >= 3) throw error;
        log(`port clash on start attempt ${attempt}; retrying with other ports`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const kubeconfigPath = join(workDir, 'admin.kubeconfig');
  await writeFile(
    kubeconfigPath,
    renderKubeconfig({
      server: server(),
      caPem: tls.ca,
      userName: 'admin',
      user: { clientCertificatePem: tls.cert, clientKeyPem: tls.key },
    }),
    { mode: 0o600 },
  );
  const version = (JSON.parse((await apiGet(server(), '/version', tls)).body) as { gitVersion: string })
    .gitVersion;
  log(`control plane ${version} ready at ${server()} in ${Date.now() - started} ms`);

  const info: ControlPlaneInfo = {
    provider: 'local',
    server: server(),
    kubeconfigPath,
    kubectlPath: binaries.kubectl,
    helmPath: binaries.helm,
    version,
    workDir,
    ca: pki.ca,
    serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
    serviceAccountSigningKeyPath: pki.serviceAccountPrivateKeyPath,
  };
  const restartApiServer = async (): Promise<void> => {
    const restarted = Date.now();
    await apiServer?.stop(20_000);
    await startApiServer();
    log(`kube-apiserver restarted in ${Date.now() - restarted} ms`);
  };
  return { ...connectControlPlane(info, { stop, restartApiServer }), etcdLogPath, apiServerLogPath };
}
