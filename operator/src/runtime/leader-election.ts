// Leader election over a coordination.k8s.io Lease, with client-go's timing and rules:
// - a candidate polls every retryPeriod; it may take the Lease when it is free (no holder) or
//   when the holder has not renewed for leaseDuration, measured on THIS replica's clock from the
//   moment it last saw the record change (so clock skew between nodes does not matter);
// - every write carries the read resourceVersion, so two candidates cannot both win (409);
// - the leader renews every retryPeriod and steps down when it has not renewed for renewDeadline
//   (shorter than leaseDuration, so it stops before anyone else may start);
// - on stop the leader releases the Lease (no holder, 1 s duration) so a successor need not wait.
// Losing the Lease does not end the process: the caller stops leader-only work (status, Events)
// and this elector keeps campaigning.
import type { KubeResult } from '../kube/kube-result.ts';
import { describeKubeError, HTTP_NOT_FOUND } from '../kube/kube-result.ts';
import type { Lease, LeaseApi, LeaseSpec } from '../kube/lease-api.ts';
import type { Clock } from './clock.ts';

export interface LeaderElectionTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** controller-runtime's defaults. */
export const DEFAULT_LEADER_ELECTION_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface LeaderElectorOptions {
  readonly api: LeaseApi;
  readonly namespace: string;
  readonly name: string;
  /** Unique per process: the pod name plus a random suffix (see leaderIdentity). */
  readonly identity: string;
  readonly timing?: LeaderElectionTiming | undefined;
  readonly clock: Clock;
  /** [0, 1): jitter of the candidate's retry period. */
  readonly random: () => number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly logger: LeaderElectorLogger;
}

/** `<pod>_<8 hex>`: a restarted pod with the same name is a new candidate, not the old leader. */
export function leaderIdentity(podName: string, random: () => number): string {
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return `${podName}_${suffix}`;
}

/** Kubernetes MicroTime: `2026-11-25T10:00:00.123000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const RELEASED_LEASE_SECONDS = 1;

export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #timing: LeaderElectionTiming;
  #leading = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** The last Lease record seen, and when (local clock) it was first seen in that state. */
  #observed: Lease | undefined;
  #observedAt = 0;
  #lastRenew = 0;
  #wake: (() => void) | undefined;
  #sleepHandle: unknown;

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.#timing = options.timing ?? DEFAULT_LEADER_ELECTION_TIMING;
    if (this.#timing.renewDeadlineMs >= this.#timing.leaseDurationMs)
      throw new Error('the renew deadline must be shorter than the lease duration');
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  get identity(): string {
    return this.#o.identity;
  }

  /** The holder named by the Lease as last read ('' when free or unknown). */
  get observedHolder(): string {
    return this.#observed?.spec.holderIdentity ?? '';
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops campaigning; a leader steps down and releases the Lease first. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#sleepHandle);
    this.#wake?.();
    await this.#loop;
    if (this.#leading) {
      this.#stepDown('shutting down', true);
      await this.#release();
    }
  }

  async #run(): Promise<void> {
    const { retryPeriodMs } = this.#timing;
    while (!this.#stopped) {
      if (!this.#leading) {
        if (await this.#tryAcquireOrRenew()) {
          if (this.#isStopped()) {
            await this.#release();
            return;
          }
          this.#leading = true;
          this.#lastRenew = this.#o.clock.now();
          this.#o.logger.info({ lease: this.#leaseName(), identity: this.#o.identity }, 'became the leader');
          this.#o.onStartedLeading();
          continue;
        }
        await this.#sleep(retryPeriodMs * (1 + 0.2 * this.#o.random()));
        continue;
      }
      await this.#sleep(retryPeriodMs);
      if (this.#isStopped()) return;
      if (await this.#tryAcquireOrRenew()) {
        this.#lastRenew = this.#o.clock.now();
      } else if (this.#o.clock.now() - this.#lastRenew >= this.#timing.renewDeadlineMs) {
        this.#stepDown(`could not renew the lease for ${this.#timing.renewDeadlineMs} ms`);
      }
    }
  }

  /** A method, not the field, so the compiler does not assume it unchanged across an await. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  #stepDown(reason: string, planned = false): void {
    if (!this.#leading) return;
    this.#leading = false;
    const fields = { lease: this.#leaseName(), identity: this.#o.identity, reason };
    if (planned) this.#o.logger.info(fields, 'stopped leading');
    else this.#o.logger.warn(fields, 'stopped leading');
    this.#o.onStoppedLeading();
  }

  /** One attempt; true when this replica holds the Lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = this.#o.clock.now();
    const timeoutMs = this.#requestTimeout(now);
    const got = await this.#o.api.get(timeoutMs);
    if (!got.ok) {
      if (got.error.code !== HTTP_NOT_FOUND) return this.#failed('read', got);
      return this.#succeeded(await this.#o.api.create(this.#leaseFor(undefined, now), timeoutMs), 'create');
    }
    const lease = got.value;
    this.#observe(lease, now);
    const holder = lease.spec.holderIdentity ?? '';
    const durationMs = (lease.spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== this.#o.identity && this.#observedAt + durationMs > now) return false;
    return this.#succeeded(await this.#o.api.update(this.#leaseFor(lease, now), timeoutMs), 'update');
  }

  #succeeded(result: KubeResult<Lease>, action: string): boolean {
    if (!result.ok) return this.#failed(action, result);
    this.#observe(result.value, this.#o.clock.now());
    return true;
  }

  #failed(action: string, result: KubeResult<Lease> & { ok: false }): false {
    this.#o.logger.debug(
      { lease: this.#leaseName(), action, error: describeKubeError(result.error) },
      'lease attempt failed',
    );
    return false;
  }

  /** A leader's calls must return before its renew deadline; a candidate's within one deadline. */
  #requestTimeout(now: number): number {
    if (!this.#leading) return this.#timing.renewDeadlineMs;
    return Math.max(500, this.#lastRenew + this.#timing.renewDeadlineMs - now);
  }

  #leaseFor(current: Lease | undefined, now: number): Lease {
    const previous = current?.spec ?? {};
    const mine = previous.holderIdentity === this.#o.identity;
    const spec: LeaseSpec = {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#timing.leaseDurationMs / 1000),
      acquireTime: mine ? previous.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (previous.leaseTransitions ?? 0) + (mine || current === undefined ? 0 : 1),
    };
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.#o.name,
        namespace: this.#o.namespace,
        ...(current?.metadata.resourceVersion === undefined
          ? {}
          : { resourceVersion: current.metadata.resourceVersion }),
      },
      spec,
    };
  }

  #observe(lease: Lease, now: number): void {
    if (this.#observed === undefined || !sameRecord(this.#observed.spec, lease.spec)) this.#observedAt = now;
    this.#observed = lease;
  }

  async #release(): Promise<void> {
    const now = this.#o.clock.now();
    const got = await this.#o.api.get(this.#timing.renewDeadlineMs);
    if (!got.ok || got.value.spec.holderIdentity !== this.#o.identity) return;
    const spec = got.value.spec;
    const released: Lease = {
      ...got.value,
      spec: {
        holderIdentity: '',
        leaseDurationSeconds: RELEASED_LEASE_SECONDS,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: spec.leaseTransitions ?? 0,
      },
    };
    const result = await this.#o.api.update(released, this.#timing.renewDeadlineMs);
    if (result.ok)
      this.#o.logger.info({ lease: this.#leaseName(), identity: this.#o.identity }, 'released the lease');
    else
      this.#o.logger.warn(
        { lease: this.#leaseName(), error: describeKubeError(result.error) },
        'could not release the lease',
      );
  }

  #leaseName(): string {
    return `${this.#o.namespace}/${this.#o.name}`;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
      this.#sleepHandle = this.#o.clock.setTimeout(this.#wake, ms);
    });
  }
}

function sameRecord(a: LeaseSpec, b: LeaseSpec): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.acquireTime === b.acquireTime &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.leaseTransitions === b.leaseTransitions
  );
}
