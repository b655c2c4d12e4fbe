// What a test gets from a control plane, whoever started it. ControlPlaneInfo is plain data
// (it crosses from vitest's globalSetup to the test workers); connectControlPlane() turns it into
// a handle with kubectl, identities and service-account tokens.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checked, runKubeClient, runKubectl } from './kubectl.ts';
import type { KubectlOptions, KubectlResult } from './kubectl.ts';
import { serializeKubeconfig, withUser } from './kubeconfig.ts';
import type { KubeconfigDocument, KubeconfigUser } from './kubeconfig.ts';
import { issueClientCertificate } from './test-pki.ts';
import type { CertificateAuthority } from './test-pki.ts';

export type ControlPlaneProvider = 'local' | 'existing' | 'k3s';

export interface ControlPlaneInfo {
  /** `local`: etcd + kube-apiserver started by this harness; `existing`: ENSIGN_TEST_KUBECONFIG; `k3s`: testcontainers. */
  readonly provider: ControlPlaneProvider;
  /** API server URL, e.g. https://127.0.0.1:41234. */
  readonly server: string;
  /** Kubeconfig of a cluster admin (user `admin` in `system:masters` for `local`). */
  readonly kubeconfigPath: string;
  readonly kubectlPath: string;
  readonly helmPath: string;
  /** The server's /version gitVersion, e.g. v1.32.13. */
  readonly version: string;
  /** A directory the handle may write kubeconfigs and kubectl caches into. */
  readonly workDir: string;
  /**
   * `local` only: the CA the API server trusts for client certificates and that signed its serving
   * certificate. Tests may sign their own certificates with it (e.g. a TLS server the API server calls).
   */
  readonly ca: CertificateAuthority | undefined;
  /** `local` only: the `iss` of service-account tokens and the key that signs them (to mint e.g. expired tokens). */
  readonly serviceAccountIssuer: string | undefined;
  readonly serviceAccountSigningKeyPath: string | undefined;
}

export interface ServiceAccountTokenOptions {
  /** Audiences of the token; defaults to the API server's own (its issuer). */
  readonly audience?: string | readonly string[];
  /** Lifetime; the API server refuses less than 600 s. Defaults to 3600 s. */
  readonly expirationSeconds?: number;
}

export interface ControlPlane extends ControlPlaneInfo {
  /** Runs kubectl with the admin kubeconfig (or `options.kubeconfig`). Never throws on a non-zero exit. */
  kubectl(args: readonly string[], options?: KubectlOptions): Promise<KubectlResult>;
  /**
   * Runs helm like kubectl(), with its cache, config and data homes in the plane's work directory
   * (no repositories configured; install charts from a directory or a packaged file).
   */
  helm(args: readonly string[], options?: KubectlOptions): Promise<KubectlResult>;
  /**
   * A kubeconfig authenticated as `user` in `groups`: a client certificate signed by the test CA
   * (`local`), or impersonation through the admin credential (other providers). Authorisation is
   * whatever RBAC grants that user or those groups; nothing is granted here.
   */
  identityKubeconfig(user: string, groups?: readonly string[]): Promise<string>;
  /** A TokenRequest token for an existing ServiceAccount (`kubectl create token`). */
  createServiceAccountToken(
    namespace: string,
    name: string,
    options?: ServiceAccountTokenOptions,
  ): Promise<string>;
  /** A kubeconfig that authenticates with a fresh token of the ServiceAccount (which must exist). */
  serviceAccountKubeconfig(
    namespace: string,
    name: string,
    options?: ServiceAccountTokenOptions,
  ): Promise<string>;
  /** Creates a namespace named `<prefix>-<random>` and returns its name (isolates a test's objects). */
  createNamespace(prefix: string): Promise<string>;
  /**
   * Stops kube-apiserver and starts it again on the same port over the same etcd data (`local`
   * only; other providers reject). Clients see their connections drop and must recover.
   */
  restartApiServer(): Promise<void>;
  /** Stops what this handle started; a no-op for handles that only connected. */
  stop(): Promise<void>;
}

/** What a handle can do beyond talking to the API server; the owner of the processes supplies it. */
export interface ControlPlaneControls {
  readonly stop?: () => Promise<void>;
  readonly restartApiServer?: () => Promise<void>;
}

/** Arguments of `kubectl create token`; exported for tests. */
export function createTokenArgs(
  namespace: string,
  name: string,
  options: ServiceAccountTokenOptions,
): string[] {
  const audiences = options.audience === undefined ? [] : [options.audience].flat();
  return [
    ...['create', 'token', name, '--namespace', namespace],
    ...audiences.map((a) => `--audience=${a}`),
    `--duration=${options.expirationSeconds ?? 3600}s`,
  ];
}

/** A file name that is unique and still says whose credential it holds. */
function credentialFileName(kind: string, label: string): string {
  const safe = label.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 60);
  return `${kind}-${safe}-${randomBytes(4).toString('hex')}`;
}

export function connectControlPlane(
  info: ControlPlaneInfo,
  controls: ControlPlaneControls = {},
): ControlPlane {
  const credentialsDir = join(info.workDir, 'credentials');
  const target = {
    kubectlPath: info.kubectlPath,
    kubeconfigPath: info.kubeconfigPath,
    cacheDir: join(info.workDir, 'kubectl-cache'),
  };
  const kubectl = (args: readonly string[], options?: KubectlOptions): Promise<KubectlResult> =>
    runKubectl(target, args, options);
  const helmHome = join(info.workDir, 'helm');
  const helmEnv = {
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };

  let admin: Promise<KubeconfigDocument> | undefined;
  const adminDocument = (): Promise<KubeconfigDocument> => {
    const args = ['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'];
    admin ??= kubectl(args).then((r) => JSON.parse(checked(r, args)) as KubeconfigDocument);
    return admin;
  };
  const writeKubeconfig = async (
    fileName: string,
    userName: string,
    user: KubeconfigUser,
  ): Promise<string> => {
    await mkdir(credentialsDir, { recursive: true, mode: 0o700 });
    const path = join(credentialsDir, `${fileName}.kubeconfig`);
    await writeFile(path, serializeKubeconfig(withUser(await adminDocument(), userName, user)), {
      mode: 0o600,
    });
    return path;
  };

  const identityKubeconfig = async (user: string, groups: readonly string[] = []): Promise<string> => {
    const fileName = credentialFileName('user', user);
    if (info.ca === undefined) return writeKubeconfig(fileName, user, { as: user, asGroups: groups });
    await mkdir(credentialsDir, { recursive: true, mode: 0o700 });
    const pair = await issueClientCertificate(info.ca, credentialsDir, fileName, user, groups);
    const [clientCertificatePem, clientKeyPem] = await Promise.all([
      readFile(pair.certPath, 'utf8'),
      readFile(pair.keyPath, 'utf8'),
    ]);
    return writeKubeconfig(fileName, user, { clientCertificatePem, clientKeyPem });
  };

  const createServiceAccountToken = async (
    namespace: string,
    name: string,
    options: ServiceAccountTokenOptions = {},
  ): Promise<string> => {
    const args = createTokenArgs(namespace, name, options);
    return checked(await kubectl(args), args).trim();
  };

  return {
    ...info,
    kubectl,
    helm: (args, options) => runKubeClient(info.helmPath, target, helmEnv, args, options),
    identityKubeconfig,
    createServiceAccountToken,
    async serviceAccountKubeconfig(namespace, name, options = {}) {
      const token = await createServiceAccountToken(namespace, name, options);
      const userName = `system:serviceaccount:${namespace}:${name}`;
      return writeKubeconfig(credentialFileName('sa', `${namespace}-${name}`), userName, { token });
    },
    async createNamespace(prefix) {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      const args = ['create', 'namespace', name];
      checked(await kubectl(args), args);
      return name;
    },
    restartApiServer:
      controls.restartApiServer ??
      (() =>
        Promise.reject(new Error(`restartApiServer is not supported by the ${info.provider} control plane`))),
    stop: controls.stop ?? (() => Promise.resolve()),
  };
}
