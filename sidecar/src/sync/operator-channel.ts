// How the sidecar reaches the operator: TLS trusting the --sync-ca bundle (or the system roots)
// with the server name checked (--sync-server-name, default the host of --operator-addr), or —
// only when explicitly asked for and only on loopback — plaintext. The CA bundle file is re-read
// each time a connection is (re)made, so a rotated CA is picked up without a restart. The
// --sync-ca-pem text (set by the injection webhook from the operator's CA bundle) is fixed for the
// pod's life: the operator keeps old CAs in its bundle and chains across a CA rotation.
import { caBundleProblem } from '@ensign/core/tls/ca-bundle.ts';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';

export interface ChannelSecurity {
  readonly credentials: grpc.ChannelCredentials;
  readonly options: grpc.ChannelOptions;
}

export interface OperatorChannelOptions {
  readonly insecure: boolean;
  /** PEM bundle of CAs to trust; the system roots when absent. */
  readonly caFile?: string | undefined;
  /** The bundle's PEM text itself (--sync-ca-pem), instead of caFile; fixed for the process. */
  readonly caPem?: string | undefined;
  /** Name the operator's certificate must carry, when not the host of the operator address. */
  readonly serverName?: string | undefined;
  readonly readFile?: (path: string) => Promise<Buffer>;
}

/**
 * The security to use for the next connection. While the CA bundle is unchanged the same object
 * is returned, so callers can tell by identity whether to build a new channel.
 */
export function createOperatorChannelSecurity(
  options: OperatorChannelOptions,
): () => Promise<ChannelSecurity> {
  const channelOptions: grpc.ChannelOptions =
    options.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': options.serverName };
  if (options.insecure) {
    const insecure: ChannelSecurity = { credentials: grpc.credentials.createInsecure(), options: {} };
    return () => Promise.resolve(insecure);
  }
  if (options.caPem !== undefined) {
    const ca = Buffer.from(options.caPem);
    const problem = caBundleProblem(ca.toString('utf8'));
    if (problem !== undefined) throw new Error(`sync CA bundle (--sync-ca-pem) ${problem}`);
    const fixed: ChannelSecurity = { credentials: grpc.credentials.createSsl(ca), options: channelOptions };
    return () => Promise.resolve(fixed);
  }
  const caFile = options.caFile;
  if (caFile === undefined) {
    const systemRoots: ChannelSecurity = {
      credentials: grpc.credentials.createSsl(),
      options: channelOptions,
    };
    return () => Promise.resolve(systemRoots);
  }
  const read = options.readFile ?? ((path: string) => readFile(path));
  let last: { ca: Buffer; security: ChannelSecurity } | undefined;
  return async () => {
    const ca = await read(caFile).catch((error: unknown) => {
      throw new Error(
        `cannot read the sync CA bundle ${caFile}: ${(error as { code?: string }).code ?? String(error)}`,
      );
    });
    if (last?.ca.equals(ca) === true) return last.security;
    const problem = caBundleProblem(ca.toString('utf8'));
    if (problem !== undefined) throw new Error(`sync CA bundle ${caFile} ${problem}`);
    last = { ca, security: { credentials: grpc.credentials.createSsl(ca), options: channelOptions } };
    return last.security;
  };
}
