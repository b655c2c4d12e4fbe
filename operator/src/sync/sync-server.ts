// Serves ensign.sync.v1.RuleSetService: each Watch stream gets the current rule set of every
// namespace it subscribes to, then every new revision, coalesced under back-pressure (a slow
// sidecar receives the latest revision, never a backlog of stale ones).
import * as grpc from '@grpc/grpc-js';
import { RuleSetServiceService } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type {
  Subscribe,
  ReviewTokenRequest,
  ReviewTokenResponse,
  WatchRequest,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { NAMESPACE_NAME } from '@ensign/core/option-schemas.ts';
import type { RuleSetHub } from './rule-set-hub.ts';
import { recordSend } from './rule-set-spans.ts';

export interface SyncLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Who is on the other end of a stream, and which namespaces it may watch. */
export type SubscriberDecision =
  | { readonly ok: true; readonly identity: string }
  | { readonly ok: false; readonly code: grpc.status; readonly message: string };

export interface SyncServerDeps {
  readonly hub: RuleSetHub;
  readonly logger: SyncLogger;
  /** Authentication and authorisation of a subscription; the TLS/TokenReview check plugs in here. */
  readonly authorize: (metadata: grpc.Metadata, subscribe: Subscribe) => Promise<SubscriberDecision>;
  readonly now: () => number;
  /** Called for every Ack with the time from publish to ack. */
  readonly onAck?: (ack: { sidecarId: string; namespace: string; revision: string; lagMs: number }) => void;
  readonly onStreamsChanged?: (open: number) => void;
  /** A namespace's sidecar counts (see SyncService.sidecarCounts) may have changed. */
  readonly onSidecarsChanged?: (namespace: string) => void;
  /** Serves ReviewToken (operator/src/auth/review-token-handler.ts); without it the RPC is UNIMPLEMENTED. */
  readonly reviewToken?: grpc.handleUnaryCall<ReviewTokenRequest, ReviewTokenResponse>;
}

const MAX_NAMESPACES = 256;

/** The service definition with a pass-through response serializer: frames are encoded once in the hub. */
const watchService = {
  ...RuleSetServiceService,
  watch: { ...RuleSetServiceService.watch, responseSerialize: (frame: Buffer): Buffer => frame },
} as const;

export function validateSubscribe(subscribe: Subscribe): string | undefined {
  if (subscribe.namespaces.length === 0) return 'subscribe.namespaces must name at least one namespace';
  if (subscribe.namespaces.length > MAX_NAMESPACES)
    return `subscribe.namespaces has ${subscribe.namespaces.length} entries; at most ${MAX_NAMESPACES} are allowed`;
  const bad = subscribe.namespaces.find((ns) => !NAMESPACE_NAME.test(ns));
  if (bad !== undefined) return `subscribe.namespaces: "${bad}" is not a valid Kubernetes namespace name`;
  return undefined;
}

export interface SidecarCounts {
  /** Authorised streams subscribed to the namespace. */
  readonly connected: number;
  /** Of those, streams whose last Ack for the namespace names its current revision. */
  readonly inSync: number;
}

export interface SyncService {
  openStreams(): number;
  /** Sidecars streaming `namespace` from this replica. */
  sidecarCounts(namespace: string): SidecarCounts;
  /** Ends every open stream (sidecars reconnect, to another replica if there is one); for shutdown. */
  endAll(): void;
}

export function addSyncService(server: grpc.Server, deps: SyncServerDeps): SyncService {
  let open = 0;
  const calls = new Set<grpc.ServerDuplexStream<WatchRequest, Buffer>>();
  const sessions = new Set<WatchSession>();
  const changed = (delta: number): void => {
    open += delta;
    deps.onStreamsChanged?.(open);
  };
  const watch = (call: grpc.ServerDuplexStream<WatchRequest, Buffer>): void => {
    let session: WatchSession | undefined;
    let closed = false;
    calls.add(call);
    const close = (): void => {
      if (closed) return;
      closed = true;
      calls.delete(call);
      if (session !== undefined) changed(-1);
      session?.close();
    };
    call.on('data', (request: WatchRequest) => {
      const kind = request.kind;
      if (kind?.$case === 'subscribe') {
        if (session !== undefined) {
          fail(call, grpc.status.INVALID_ARGUMENT, 'subscribe may be sent only once per stream');
          return;
        }
        const problem = validateSubscribe(kind.value);
        if (problem !== undefined) {
          fail(call, grpc.status.INVALID_ARGUMENT, problem);
          return;
        }
        session = new WatchSession(call, kind.value, deps, sessions);
        changed(1);
        void session.start().catch((error: unknown) => {
          fail(call, grpc.status.INTERNAL, `watch failed: ${String(error)}`);
        });
      } else if (kind?.$case === 'ack') {
        session?.ack(kind.value.namespace, kind.value.revision);
      }
    });
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('cancelled', close);
    call.on('error', close);
    call.on('close', close);
  };
  const reviewToken =
    deps.reviewToken ??
    ((
      _call: grpc.ServerUnaryCall<ReviewTokenRequest, ReviewTokenResponse>,
      callback: grpc.sendUnaryData<ReviewTokenResponse>,
    ): void => {
      callback({
        code: grpc.status.UNIMPLEMENTED,
        details:
          'ReviewToken needs the operator to run against a Kubernetes API server (--source=kubernetes)',
      });
    });
  server.addService(watchService, { watch, reviewToken });
  return {
    openStreams: () => open,
    sidecarCounts: (namespace) => {
      const current = deps.hub.get(namespace)?.ruleSet.revision;
      let connected = 0;
      let inSync = 0;
      for (const session of sessions) {
        if (!session.subscribes(namespace)) continue;
        connected++;
        if (current !== undefined && session.acked(namespace) === current) inSync++;
      }
      return { connected, inSync };
    },
    endAll: () => {
      for (const call of [...calls]) call.end();
    },
  };
}

function fail(call: grpc.ServerDuplexStream<WatchRequest, Buffer>, code: grpc.status, details: string): void {
  call.emit('error', { code, details });
}

class WatchSession {
  readonly #call: grpc.ServerDuplexStream<WatchRequest, Buffer>;
  readonly #subscribe: Subscribe;
  readonly #deps: SyncServerDeps;
  /** The revision the sidecar holds (reported, or the last one written to it), per namespace. */
  readonly #sent = new Map<string, string>();
  readonly #pending = new Set<string>();
  /** The revision the sidecar last acknowledged, per namespace. */
  readonly #acked = new Map<string, string>();
  readonly #unwatch: (() => void)[] = [];
  /** The server's authorised sessions, which this one joins once authorised. */
  readonly #sessions: Set<WatchSession>;
  #identity = '';
  #blocked = false;
  #closed = false;

  constructor(
    call: grpc.ServerDuplexStream<WatchRequest, Buffer>,
    subscribe: Subscribe,
    deps: SyncServerDeps,
    sessions: Set<WatchSession>,
  ) {
    this.#sessions = sessions;
    this.#call = call;
    this.#subscribe = subscribe;
    this.#deps = deps;
    for (const [ns, revision] of Object.entries(subscribe.knownRevisions)) {
      this.#sent.set(ns, revision);
      // A sidecar that already holds a revision has, in effect, acknowledged it.
      this.#acked.set(ns, revision);
    }
  }

  subscribes(namespace: string): boolean {
    return this.#subscribe.namespaces.includes(namespace);
  }

  acked(namespace: string): string | undefined {
    return this.#acked.get(namespace);
  }

  async start(): Promise<void> {
    const decision = await this.#deps.authorize(this.#call.metadata, this.#subscribe);
    if (this.#closed) return;
    if (!decision.ok) {
      this.#deps.logger.warn(
        {
          sidecar: this.#subscribe.sidecarId,
          namespaces: this.#subscribe.namespaces,
          reason: decision.message,
        },
        'sync subscription refused',
      );
      fail(this.#call, decision.code, decision.message);
      return;
    }
    this.#identity = decision.identity;
    // Headers go out at once so the sidecar knows it is connected even when nothing needs resending.
    this.#call.sendMetadata(new grpc.Metadata());
    this.#deps.logger.info(
      {
        sidecar: this.#subscribe.sidecarId,
        identity: this.#identity,
        namespaces: this.#subscribe.namespaces,
      },
      'sidecar subscribed',
    );
    this.#sessions.add(this);
    this.#sidecarsChanged();
    for (const namespace of this.#subscribe.namespaces) {
      this.#unwatch.push(
        this.#deps.hub.watch(namespace, () => {
          this.#enqueue(namespace);
        }),
      );
      this.#pending.add(namespace);
    }
    this.#flush();
  }

  ack(namespace: string, revision: string): void {
    if (this.#acked.get(namespace) !== revision) {
      this.#acked.set(namespace, revision);
      if (this.#sessions.has(this)) this.#deps.onSidecarsChanged?.(namespace);
    }
    const published = this.#deps.hub.get(namespace);
    if (published?.ruleSet.revision !== revision) return;
    const lagMs = this.#deps.now() - published.publishedAt;
    this.#deps.onAck?.({ sidecarId: this.#subscribe.sidecarId, namespace, revision, lagMs });
  }

  close(): void {
    this.#closed = true;
    for (const unwatch of this.#unwatch) unwatch();
    this.#unwatch.length = 0;
    if (this.#sessions.delete(this)) this.#sidecarsChanged();
  }

  #sidecarsChanged(): void {
    for (const namespace of this.#subscribe.namespaces) this.#deps.onSidecarsChanged?.(namespace);
  }

  #enqueue(namespace: string): void {
    this.#pending.add(namespace);
    this.#flush();
  }

  #flush(): void {
    if (this.#blocked || this.#closed) return;
    for (const namespace of [...this.#pending]) {
      const published = this.#deps.hub.get(namespace);
      if (published === undefined) continue; // not compiled yet; the hub will call back
      this.#pending.delete(namespace);
      if (this.#sent.get(namespace) === published.ruleSet.revision) continue;
      this.#sent.set(namespace, published.ruleSet.revision);
      this.#deps.logger.debug(
        { sidecar: this.#subscribe.sidecarId, namespace, revision: published.ruleSet.revision },
        'rule set sent',
      );
      recordSend(this.#subscribe.sidecarId, this.#identity, namespace, published.ruleSet.revision);
      if (!this.#call.write(published.frame)) {
        this.#blocked = true;
        this.#call.once('drain', () => {
          this.#blocked = false;
          this.#flush();
        });
        return;
      }
    }
  }
}
