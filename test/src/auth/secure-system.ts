// A secured Ensign against the test control plane: the operator binary (operator/src/main.ts) with
// exactly the RBAC of deploy/operator-rbac.yaml, serving sync over TLS with a certificate from a
// test CA; sidecars that trust that CA, present a projected-style token (TokenRequest, audience
// "ensign") and require caller authentication.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { checked } from '../cluster/kubectl.ts';
import { operatorKubeconfig } from '../harness/cluster-operator.ts';
import { EnsignProcess, freePort, sidecarPorts, tempDir, waitForReady } from '../harness/processes.ts';
import type { SidecarPorts } from '../harness/processes.ts';

export const OPERATOR_SERVER_NAME = 'ensign-operator.ensign-system.svc';

export async function kubectl(plane: ControlPlane, args: string[], input?: string): Promise<string> {
  return checked(await plane.kubectl(args, input === undefined ? {} : { input }), args);
}

export async function createServiceAccount(
  plane: ControlPlane,
  namespace: string,
  name: string,
): Promise<string> {
  await kubectl(plane, ['create', 'serviceaccount', name, '-n', namespace]);
  return kubectl(plane, ['get', 'serviceaccount', name, '-n', namespace, '-o', 'jsonpath={.metadata.uid}']);
}

export interface SecureOperator {
  readonly proc: EnsignProcess;
  readonly address: string;
  readonly opsPort: number;
  /** PEM bundle of the CA that signed the operator's sync certificate. */
  readonly caFile: string;
  /** A CA that did not. */
  readonly otherCaFile: string;
  readonly dir: string;
}

export async function startSecureOperator(
  plane: ControlPlane,
  watchNamespaces: readonly string[],
): Promise<SecureOperator> {
  const dir = await tempDir('secure-operator');
  const [ca, other] = await Promise.all([createTestCa('Ensign sync CA'), createTestCa('Unrelated CA')]);
  const serving = await ca.issue({ dnsNames: [OPERATOR_SERVER_NAME], ipAddresses: ['127.0.0.1'] });
  const files = {
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
    ca: join(dir, 'ca.crt'),
    other: join(dir, 'other-ca.crt'),
  };
  await Promise.all([
    writeFile(files.cert, serving.certPem),
    writeFile(files.key, serving.keyPem),
    writeFile(files.ca, ca.certPem),
    writeFile(files.other, other.certPem),
  ]);
  // The operator runs as its ServiceAccount with the RBAC the chart ships, never as admin.
  const kubeconfig = await operatorKubeconfig(plane);
  const [sync, ops] = [await freePort(), await freePort()];
  const proc = new EnsignProcess('secure operator', [
    'operator/src/main.ts',
    '--source=kubernetes',
    '--leader-election=false',
    `--kubeconfig=${kubeconfig}`,
    `--watch-namespaces=${watchNamespaces.join(',')}`,
    `--sync-addr=127.0.0.1:${sync}`,
    `--ops-addr=127.0.0.1:${ops}`,
    // The sync certificate from files (as with cert-manager), so tests can name its CA.
    '--cert-mode=files',
    '--operator-namespace=ensign-system',
    `--sync-tls-cert=${files.cert}`,
    `--sync-tls-key=${files.key}`,
  ]);
  await waitForReady(proc, ops, 30_000);
  return {
    proc,
    address: `127.0.0.1:${sync}`,
    opsPort: ops,
    caFile: files.ca,
    otherCaFile: files.other,
    dir,
  };
}

export interface SecureSidecar {
  readonly proc: EnsignProcess;
  readonly ports: SidecarPorts;
  readonly httpUrl: string;
  readonly grpcAddress: string;
}

export interface SecureSidecarOptions {
  readonly namespaces: readonly string[];
  /** The sidecar's own token (a TokenRequest token of its pod's service account). */
  readonly token: string;
  readonly caFile?: string;
  readonly serverName?: string;
  readonly extra?: readonly string[];
}

export async function spawnSecureSidecar(
  operator: SecureOperator,
  options: SecureSidecarOptions,
): Promise<SecureSidecar> {
  const dir = await tempDir('secure-sidecar');
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, options.token);
  const ports = await sidecarPorts();
  const proc = new EnsignProcess('secure sidecar', [
    'sidecar/src/main.ts',
    `--operator-addr=${operator.address}`,
    `--sync-ca=${options.caFile ?? operator.caFile}`,
    `--sync-server-name=${options.serverName ?? OPERATOR_SERVER_NAME}`,
    `--token-file=${tokenFile}`,
    `--namespaces=${options.namespaces.join(',')}`,
    `--default-namespace=${options.namespaces[0] ?? 'default'}`,
    `--grpc-addr=127.0.0.1:${ports.grpc}`,
    `--http-addr=127.0.0.1:${ports.http}`,
    `--ops-addr=127.0.0.1:${ports.ops}`,
    `--state-dir=${join(dir, 'state')}`,
    '--reconnect-min-ms=100',
    '--reconnect-max-ms=1000',
    '--log-level=debug',
    ...(options.extra ?? []),
  ]);
  return { proc, ports, httpUrl: `http://127.0.0.1:${ports.http}`, grpcAddress: `127.0.0.1:${ports.grpc}` };
}

export interface MintOptions {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly audience: string;
  /** Seconds from now; negative for a token that has already expired. */
  readonly expiresInSec: number;
}

/**
 * A service-account token signed with the control plane's own signing key, shaped like the
 * TokenRequest API's: the API server verifies it like any other, so only its claims decide.
 * Used for an expired token (TokenRequest refuses lifetimes under 10 minutes).
 */
export async function mintServiceAccountToken(plane: ControlPlane, options: MintOptions): Promise<string> {
  if (plane.serviceAccountSigningKeyPath === undefined || plane.serviceAccountIssuer === undefined)
    throw new Error('this control plane does not expose its service-account signing key');
  const key = createPrivateKey(await readFile(plane.serviceAccountSigningKeyPath));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    'kubernetes.io': {
      namespace: options.namespace,
      serviceaccount: { name: options.name, uid: options.uid },
    },
  })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(plane.serviceAccountIssuer)
    .setSubject(`system:serviceaccount:${options.namespace}:${options.name}`)
    .setAudience([options.audience])
    .setIssuedAt(now - 3600)
    .setNotBefore(now - 3600)
    .setExpirationTime(now + options.expiresInSec)
    .sign(key);
}
