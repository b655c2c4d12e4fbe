// Command lines for etcd and kube-apiserver: envtest's flags plus a few of kwok's that cut
// start-up work on a 2-core machine (see shared/reference/test-control-plane.md §4–§5).

export interface EtcdArgsInput {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export function etcdArgs(input: EtcdArgsInput): string[] {
  const client = `http://127.0.0.1:${input.clientPort}`;
  const peer = `http://127.0.0.1:${input.peerPort}`;
  return [
    '--name=ensign-test',
    `--data-dir=${input.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=ensign-test=${peer}`,
    // Test data need not survive a power cut; fsync dominates etcd latency on CI disks.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

export interface ApiServerArgsInput {
  readonly etcdClientPort: number;
  readonly securePort: number;
  readonly certDir: string;
  readonly servingCertPath: string;
  readonly servingKeyPath: string;
  readonly clientCaPath: string;
  readonly serviceAccountPublicKeyPath: string;
  readonly serviceAccountPrivateKeyPath: string;
  readonly serviceAccountIssuer: string;
  readonly extraArgs?: readonly string[];
}

export function apiServerArgs(input: ApiServerArgsInput): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${input.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${input.securePort}`,
    // Without a default route the server cannot pick an advertise address by itself.
    '--advertise-address=127.0.0.1',
    // A loopback advertise address is not a valid Endpoints IP; nothing needs those endpoints.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${input.certDir}`,
    `--tls-cert-file=${input.servingCertPath}`,
    `--tls-private-key-file=${input.servingKeyPath}`,
    `--client-ca-file=${input.clientCaPath}`,
    '--authorization-mode=RBAC',
    // The API server itself signs TokenRequest tokens and answers TokenReview with these keys;
    // no kube-controller-manager is needed for either.
    `--service-account-issuer=${input.serviceAccountIssuer}`,
    `--service-account-key-file=${input.serviceAccountPublicKeyPath}`,
    `--service-account-signing-key-file=${input.serviceAccountPrivateKeyPath}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // No controller creates the `default` ServiceAccount, so pods would be refused without this.
    '--disable-admission-plugins=ServiceAccount',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--v=1',
    ...(input.extraArgs ?? []),
  ];
}
