// Per-namespace sidecar counts over a real gRPC server and raw Watch streams.
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RuleSet,
  RuleSetServiceService,
  type WatchRequest,
  type WatchResponse,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { RuleSetHub } from './rule-set-hub.ts';
import { addSyncService, type SyncService } from './sync-server.ts';

const quiet = { warn: () => undefined, debug: () => undefined, info: () => undefined };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const Client = grpc.makeGenericClientConstructor(RuleSetServiceService, 'RuleSetService');

function ruleSet(namespace: string, revision: string): RuleSet {
  return RuleSet.fromPartial({ namespace, revision });
}

async function serve() {
  const hub = new RuleSetHub({ emptyRuleSet: (namespace) => ruleSet(namespace, 'empty'), now: Date.now });
  const changed: string[] = [];
  const server = new grpc.Server();
  const sync: SyncService = addSyncService(server, {
    hub,
    logger: quiet,
    authorize: (metadata) =>
      Promise.resolve(
        metadata.get('deny').length > 0
          ? { ok: false, code: grpc.status.PERMISSION_DENIED, message: 'no' }
          : { ok: true, identity: 'test' },
      ),
    now: Date.now,
    onSidecarsChanged: (namespace) => changed.push(namespace),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  cleanups.push(() => {
    client.close();
    server.forceShutdown();
  });
  const open = (namespaces: string[], knownRevisions: Record<string, string> = {}, deny = false) => {
    const metadata = new grpc.Metadata();
    if (deny) metadata.set('deny', '1');
    const call = (
      client as unknown as { watch(m: grpc.Metadata): grpc.ClientDuplexStream<WatchRequest, WatchResponse> }
    ).watch(metadata);
    const received: string[] = [];
    call.on('data', (r: WatchResponse) => received.push(r.ruleSet?.revision ?? ''));
    call.on('error', () => undefined);
    call.write({ kind: { $case: 'subscribe', value: { namespaces, knownRevisions, sidecarId: 'test' } } });
    return {
      call,
      received,
      ack: (namespace: string, revision: string) =>
        call.write({ kind: { $case: 'ack', value: { namespace, revision } } }),
    };
  };
  return { hub, sync, open, changed };
}

async function until(what: string, test: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('sync server sidecar counts', () => {
  it('counts authorised streams per namespace and those that acknowledged the current revision', async () => {
    const { hub, sync, open, changed } = await serve();
    hub.publish(ruleSet('shop', 'r1'));
    hub.publish(ruleSet('web', 'w1'));
    const a = open(['shop', 'web']);
    const b = open(['shop']);
    open(['shop'], {}, true);
    await until('two sidecars connected', () => sync.sidecarCounts('shop').connected === 2);
    expect(sync.sidecarCounts('shop')).toEqual({ connected: 2, inSync: 0 });
    expect(sync.sidecarCounts('web')).toEqual({ connected: 1, inSync: 0 });
    a.ack('shop', 'r1');
    await until('an ack', () => sync.sidecarCounts('shop').inSync === 1);
    hub.publish(ruleSet('shop', 'r2'));
    expect(sync.sidecarCounts('shop')).toEqual({ connected: 2, inSync: 0 });
    b.ack('shop', 'r2');
    await until('the newer ack', () => sync.sidecarCounts('shop').inSync === 1);
    expect(changed.filter((ns) => ns === 'shop').length).toBeGreaterThanOrEqual(4);
    b.call.end();
    await until('a stream closed', () => sync.sidecarCounts('shop').connected === 1);
  });

  it('counts a sidecar that reconnects holding the current revision as in sync', async () => {
    const { hub, sync, open } = await serve();
    hub.publish(ruleSet('shop', 'r1'));
    const a = open(['shop'], { shop: 'r1' });
    await until('connected', () => sync.sidecarCounts('shop').connected === 1);
    expect(sync.sidecarCounts('shop')).toEqual({ connected: 1, inSync: 1 });
    expect(a.received).toEqual([]);
  });
});
