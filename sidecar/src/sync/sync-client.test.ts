// The sync contract end to end inside one process: the operator's hub and server, the sidecar's
// client and store, a real gRPC connection on loopback and the real engine.
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { FlagType, RuleSet, RuleSetServiceService, WatchRequest } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { WatchResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { computeRevision } from '@ensign/core/revision.ts';
import { RuleSetHub } from '@ensign/operator/sync/rule-set-hub.ts';
import { addSyncService } from '@ensign/operator/sync/sync-server.ts';
import { buildIndex } from '../engine/build-index.ts';
import { RuleSetStore } from '../store/rule-set-store.ts';
import { SyncClient } from './sync-client.ts';
import type { SyncState } from './sync-client.ts';

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
const insecure = { credentials: grpc.credentials.createInsecure(), options: {} };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ruleSet(namespace: string, enabled: boolean, extra: Partial<RuleSet> = {}): RuleSet {
  const set = RuleSet.fromPartial({
    namespace,
    flags: [{ key: 'kill', name: 'kill', type: FlagType.FLAG_TYPE_BOOLEAN, enabled }],
    ...extra,
  });
  return { ...set, revision: computeRevision(set) };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Operator {
  hub: RuleSetHub;
  port: number;
  acks: { namespace: string; revision: string; lagMs: number }[];
  stop(): Promise<void>;
}

async function startOperator(port = 0, hub?: RuleSetHub): Promise<Operator> {
  const h =
    hub ??
    new RuleSetHub({
      emptyRuleSet: (ns) => RuleSet.fromPartial({ namespace: ns, revision: 'empty' }),
      now: Date.now,
    });
  const server = new grpc.Server();
  const acks: Operator['acks'] = [];
  const sync = addSyncService(server, {
    hub: h,
    logger: quiet,
    authorize: () => Promise.resolve({ ok: true, identity: 'test' }),
    now: Date.now,
    onAck: (ack) => acks.push(ack),
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  const op: Operator = {
    hub: h,
    port: bound,
    acks,
    stop: () =>
      new Promise<void>((resolve) => {
        sync.endAll();
        server.tryShutdown(() => {
          resolve();
        });
      }),
  };
  cleanups.push(() => op.stop());
  return op;
}

function startSidecar(port: number, namespaces: string[], known: RuleSet[] = []) {
  const store = new RuleSetStore({
    defaultNamespace: namespaces[0] ?? 'default',
    namespaces,
    buildIndex,
    now: Date.now,
  });
  for (const set of known) store.apply(set);
  const saved: RuleSet[] = [];
  const states: SyncState[] = [];
  const rejected: string[] = [];
  const client = new SyncClient({
    address: `127.0.0.1:${port}`,
    security: () => Promise.resolve(insecure),
    metadata: () => Promise.resolve(new grpc.Metadata()),
    store,
    save: (set) => {
      saved.push(RuleSet.decode(set));
      return Promise.resolve();
    },
    sidecarId: 'test/sidecar',
    logger: quiet,
    backoff: { minMs: 20, maxMs: 100, random: () => 0.5 },
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => {
        clearTimeout(h as NodeJS.Timeout);
      },
    },
    onState: (s) => states.push(s),
    onRejected: (_set, error) => rejected.push(error),
  });
  client.start();
  cleanups.push(() => {
    client.stop();
  });
  return { store, saved, states, rejected, client };
}

describe('operator ⇄ sidecar sync', () => {
  it('delivers every subscribed namespace, saves it, acknowledges it, and becomes ready', async () => {
    const op = await startOperator();
    op.hub.publish(ruleSet('a', true));
    op.hub.publish(ruleSet('b', false));
    const sc = startSidecar(op.port, ['a', 'b']);
    await waitUntil('ready', () => sc.store.isReady());
    expect(sc.store.get('a')?.index.flag('kill')?.enabled).toBe(true);
    expect(sc.saved.map((s) => s.namespace).sort()).toEqual(['a', 'b']);
    await waitUntil('acks', () => op.acks.length === 2);
    expect(op.acks.map((a) => a.namespace).sort()).toEqual(['a', 'b']);
    expect(sc.states).toContain('connected');
  });

  it('pushes a new revision to a connected sidecar', async () => {
    const op = await startOperator();
    op.hub.publish(ruleSet('a', true));
    const sc = startSidecar(op.port, ['a']);
    await waitUntil('ready', () => sc.store.isReady());
    const next = ruleSet('a', false);
    op.hub.publish(next);
    await waitUntil('new revision', () => sc.store.get('a')?.ruleSet.revision === next.revision);
    expect(sc.store.get('a')?.index.flag('kill')?.enabled).toBe(false);
  });

  it('does not resend a revision the sidecar already holds', async () => {
    const op = await startOperator();
    const current = ruleSet('a', true);
    op.hub.publish(current);
    const sc = startSidecar(op.port, ['a'], [current]);
    await waitUntil('connected', () => sc.states.includes('connected'));
    await new Promise((r) => setTimeout(r, 100));
    expect(sc.saved).toEqual([]);
    expect(op.acks).toEqual([]);
  });

  it('keeps the last good rule set when a new one fails to index, and does not acknowledge it', async () => {
    const op = await startOperator();
    op.hub.publish(ruleSet('a', true));
    const sc = startSidecar(op.port, ['a']);
    await waitUntil('ready', () => sc.store.isReady());
    const good = sc.store.get('a')?.ruleSet.revision;
    const broken = ruleSet('a', false, {
      flags: [
        {
          key: 'v',
          name: 'v',
          type: FlagType.FLAG_TYPE_VARIANT,
          enabled: true,
          defaultVariant: 'missing',
        } as never,
      ],
    });
    op.hub.publish(broken);
    await waitUntil('rejection', () => sc.rejected.length === 1);
    expect(sc.rejected[0]).toMatch(/default variant/i);
    expect(sc.store.get('a')?.ruleSet.revision).toBe(good);
    expect(op.acks.filter((a) => a.revision === broken.revision)).toEqual([]);
  });

  it('waits for a namespace nobody has published until the operator’s initial sync completes', async () => {
    const op = await startOperator();
    const sc = startSidecar(op.port, ['quiet']);
    await waitUntil('connected', () => sc.states.includes('connected'));
    expect(sc.store.isReady()).toBe(false);
    op.hub.markSynced();
    await waitUntil('ready', () => sc.store.isReady());
    expect(sc.store.get('quiet')?.index.size).toBe(0);
  });

  it('reconnects with backoff after the operator goes away and catches up', async () => {
    const first = await startOperator();
    first.hub.publish(ruleSet('a', true));
    const sc = startSidecar(first.port, ['a']);
    await waitUntil('ready', () => sc.store.isReady());
    await first.stop();
    await waitUntil('disconnected', () => sc.states.includes('disconnected'));
    const second = await startOperator(first.port);
    const next = ruleSet('a', false);
    second.hub.publish(next);
    await waitUntil('caught up', () => sc.store.get('a')?.ruleSet.revision === next.revision);
    expect(sc.states.filter((s) => s === 'connected').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an invalid subscription with INVALID_ARGUMENT and the reason', async () => {
    const op = await startOperator();
    const client = new grpc.Client(`127.0.0.1:${op.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => {
      client.close();
    });
    const m = RuleSetServiceService.watch;
    const call = client.makeBidiStreamRequest<WatchRequest, WatchResponse>(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
    );
    const error = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    call.write(
      WatchRequest.fromPartial({
        kind: { $case: 'subscribe', value: { namespaces: ['Not_A_Namespace'], sidecarId: 'x' } },
      }),
    );
    const e = await error;
    expect(e.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(e.details).toBe(
      'subscribe.namespaces: "Not_A_Namespace" is not a valid Kubernetes namespace name',
    );
  });
});
