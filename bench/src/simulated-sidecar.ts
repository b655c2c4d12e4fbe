// A sidecar's sync stream without the sidecar: a real @grpc/grpc-js client on its own connection,
// using the generated RuleSetService definition; it subscribes to one namespace and acks every
// rule set it receives, recording when each arrived.
import * as grpc from '@grpc/grpc-js';
import { RuleSetServiceService, WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { ruleSetHeader } from './rule-set-header.ts';

const WATCH = RuleSetServiceService.watch;

export interface Arrival {
  readonly namespace: string;
  readonly revision: string;
  /** Flags in the rule set; only counted by a sidecar opened with fullDecode. */
  readonly flags: number | undefined;
}

export interface SimulatedSidecar {
  readonly id: string;
  /** The revision of the last rule set received ('' before the first). */
  readonly revision: string;
  /** performance.now() when that rule set arrived. */
  readonly arrivedAt: number;
  readonly received: number;
  readonly lastFlags: number | undefined;
  readonly error: Error | undefined;
  close(): void;
}

export function openSimulatedSidecar(
  address: string,
  namespace: string,
  id: string,
  fullDecode: boolean,
  onArrival: () => void,
): SimulatedSidecar {
  // A local subchannel pool gives every client its own HTTP/2 connection, as separate pods have.
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });
  const decode = (buffer: Buffer): Arrival => {
    if (!fullDecode) return { ...ruleSetHeader(buffer), flags: undefined };
    const ruleSet = WatchResponse.decode(buffer).ruleSet;
    return {
      namespace: ruleSet?.namespace ?? '',
      revision: ruleSet?.revision ?? '',
      flags: ruleSet?.flags.length,
    };
  };
  const stream = client.makeBidiStreamRequest(WATCH.path, WATCH.requestSerialize, decode);
  const state = {
    id,
    revision: '',
    arrivedAt: 0,
    received: 0,
    lastFlags: undefined as number | undefined,
    error: undefined as Error | undefined,
    close: () => {
      stream.cancel();
      client.close();
    },
  };
  stream.on('data', (arrival: Arrival) => {
    state.arrivedAt = performance.now();
    state.revision = arrival.revision;
    state.received++;
    state.lastFlags = arrival.flags;
    stream.write({
      kind: { $case: 'ack', value: { namespace: arrival.namespace, revision: arrival.revision } },
    });
    onArrival();
  });
  stream.on('error', (error: Error) => {
    if ((error as grpc.ServiceError).code !== grpc.status.CANCELLED) state.error = error;
  });
  stream.write({
    kind: { $case: 'subscribe', value: { namespaces: [namespace], knownRevisions: {}, sidecarId: id } },
  });
  return state;
}
