// Keeps the sidecar's store in step with the operator: one Watch stream, reopened with jittered
// backoff whenever it ends. Every applied rule set is saved to disk and acknowledged; one that fails
// to index is logged and not acknowledged, and the last good one keeps serving.
import * as grpc from '@grpc/grpc-js';
import { RuleSetServiceService, WatchRequest } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { readRuleSetHeader } from '../engine/rule-set-layout.ts';
import type { RuleSetHeader } from '../engine/namespace-index.ts';
import type { RuleSetStore } from '../store/rule-set-store.ts';
import { ruleSetWireOf } from '../store/watch-response-wire.ts';
import { backoffDelay } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import type { ChannelSecurity } from './operator-channel.ts';

export type SyncState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface SyncClientLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncClientDeps {
  readonly address: string;
  /** Asked on every (re)connect; a new object (a rotated CA bundle) means a new channel. */
  readonly security: () => Promise<ChannelSecurity>;
  /** Per-stream call metadata (the sidecar's own token goes here), read on every (re)connect. */
  readonly metadata: () => Promise<grpc.Metadata>;
  readonly store: RuleSetStore;
  /** Saves an applied rule set's wire bytes (DiskCache.save). */
  readonly save: (wire: Uint8Array) => Promise<void>;
  readonly sidecarId: string;
  readonly logger: SyncClientLogger;
  readonly backoff: BackoffOptions;
  readonly timers: Timers;
  readonly onState?: (state: SyncState) => void;
  readonly onApplied?: (ruleSet: RuleSetHeader) => void;
  readonly onRejected?: (ruleSet: Pick<RuleSetHeader, 'namespace' | 'revision'>, error: string) => void;
  readonly onReconnect?: () => void;
}

const MAX_RULE_SET_BYTES = 256 * 1024 * 1024;

export class SyncClient {
  readonly #deps: SyncClientDeps;
  #client: grpc.Client | undefined;
  #security: ChannelSecurity | undefined;
  #call: grpc.ClientDuplexStream<WatchRequest, Buffer> | undefined;
  #timer: unknown;
  #attempt = 0;
  #state: SyncState = 'disconnected';

  constructor(deps: SyncClientDeps) {
    this.#deps = deps;
  }

  get state(): SyncState {
    return this.#state;
  }

  start(): void {
    void this.#open();
  }

  stop(): void {
    this.#setState('stopped');
    if (this.#timer !== undefined) this.#deps.timers.clearTimeout(this.#timer);
    this.#call?.cancel();
    this.#client?.close();
  }

  #clientFor(security: ChannelSecurity): grpc.Client {
    if (this.#client !== undefined && this.#security === security) return this.#client;
    this.#client?.close();
    this.#security = security;
    this.#client = new grpc.Client(this.#deps.address, security.credentials, {
      ...security.options,
      'grpc.max_receive_message_length': MAX_RULE_SET_BYTES,
      // Notice a dead operator on an idle stream; the server permits pings this often.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
    });
    return this.#client;
  }

  async #open(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#setState('connecting');
    let metadata: grpc.Metadata;
    let security: ChannelSecurity;
    try {
      [security, metadata] = await Promise.all([this.#deps.security(), this.#deps.metadata()]);
    } catch (error) {
      this.#deps.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'cannot build sync credentials',
      );
      this.#retry();
      return;
    }
    if (this.#isStopped()) return;
    const method = RuleSetServiceService.watch;
    const call = this.#clientFor(security).makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      // Frames stay bytes: the store indexes the RuleSet's bytes without decoding them.
      (frame: Buffer) => frame,
      metadata,
    );
    this.#call = call;
    call.on('metadata', () => {
      this.#attempt = 0;
      this.#setState('connected');
    });
    call.on('data', (frame: Buffer) => {
      let wire: Uint8Array | undefined;
      try {
        wire = ruleSetWireOf(frame);
      } catch (error) {
        this.#deps.logger.error({ err: String(error) }, 'malformed sync frame');
        return;
      }
      if (wire !== undefined) this.#receive(call, wire);
    });
    let ended = false;
    const ended_ = (reason: string, details: object): void => {
      if (ended) return;
      ended = true;
      if (this.#state === 'stopped') return;
      this.#deps.logger.warn({ operator: this.#deps.address, ...details }, reason);
      this.#retry();
    };
    call.on('error', (error: grpc.ServiceError) => {
      ended_('sync stream failed', { code: grpc.status[error.code], details: error.details });
    });
    call.on('end', () => {
      ended_('sync stream ended', {});
    });
    call.write(
      WatchRequest.fromPartial({
        kind: {
          $case: 'subscribe',
          value: {
            namespaces: [...this.#deps.store.namespaces],
            knownRevisions: this.#deps.store.revisions(),
            sidecarId: this.#deps.sidecarId,
          },
        },
      }),
    );
  }

  #receive(call: grpc.ClientDuplexStream<WatchRequest, Buffer>, wire: Uint8Array): void {
    let ruleSet: RuleSetHeader & { readonly flagCount: number };
    try {
      ruleSet = readRuleSetHeader(wire);
    } catch (error) {
      this.#deps.logger.error({ err: String(error) }, 'rejected rule set; keeping the last good one');
      return;
    }
    const result = this.#deps.store.apply(wire);
    if (!result.ok) {
      this.#deps.logger.error(
        { namespace: ruleSet.namespace, revision: ruleSet.revision, err: result.error },
        'rejected rule set; keeping the last good one',
      );
      this.#deps.onRejected?.(ruleSet, result.error);
      return;
    }
    if (result.changed) {
      this.#deps.logger.info(
        { namespace: ruleSet.namespace, revision: ruleSet.revision, flags: ruleSet.flagCount },
        'rule set applied',
      );
      this.#deps.onApplied?.(ruleSet);
      this.#deps.save(wire).catch((error: unknown) => {
        this.#deps.logger.warn({ namespace: ruleSet.namespace, err: String(error) }, 'cannot save rule set');
      });
    }
    call.write(
      WatchRequest.fromPartial({
        kind: { $case: 'ack', value: { namespace: ruleSet.namespace, revision: ruleSet.revision } },
      }),
    );
  }

  #retry(): void {
    this.#call = undefined;
    if (this.#state === 'stopped') return;
    this.#setState('disconnected');
    const delay = backoffDelay(this.#attempt++, this.#deps.backoff);
    this.#deps.onReconnect?.();
    this.#deps.logger.debug({ delayMs: delay }, 'reconnecting to operator');
    this.#timer = this.#deps.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#open();
    }, delay);
  }

  // A method, not an inline comparison: the state can change across the awaits above.
  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #setState(state: SyncState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#deps.onState?.(state);
  }
}
