// A scripted ListWatchApi for informer unit tests: lists answer from a queue (or the current
// objects), and each watch is a stream the test drives by hand.
import type { KubeResult } from '../../kube/kube-result.ts';
import type {
  ListOptions,
  ListPage,
  ListWatchApi,
  RawWatchEvent,
  WatchOptions,
  WatchStream,
} from '../../kube/kube-client.ts';
import type { ResourceType } from '../../kube/resource-type.ts';

export class FakeWatch {
  readonly options: WatchOptions;
  readonly #onEvent: (event: RawWatchEvent) => void;
  #resolve!: (result: KubeResult<void>) => void;
  readonly done: Promise<KubeResult<void>>;
  ended = false;
  aborted = false;

  constructor(options: WatchOptions, onEvent: (event: RawWatchEvent) => void) {
    this.options = options;
    this.#onEvent = onEvent;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  emit(type: RawWatchEvent['type'], object: unknown): void {
    if (!this.ended) this.#onEvent({ type, object });
  }

  close(): void {
    this.#end({ ok: true, value: undefined });
  }

  fail(code: number, reason: string, message = reason): void {
    this.#end({ ok: false, error: { code, reason, message } });
  }

  abort(): void {
    this.aborted = true;
    this.#end({ ok: false, error: { code: 0, reason: 'Aborted', message: 'aborted' } });
  }

  #end(result: KubeResult<void>): void {
    if (this.ended) return;
    this.ended = true;
    this.#resolve(result);
  }
}

export interface ListCall {
  readonly options: ListOptions;
}

export class FakeListWatchApi implements ListWatchApi {
  /** Answers for the next list calls, in order; when empty, lists answer with `objects`. */
  readonly listAnswers: KubeResult<ListPage>[] = [];
  objects: unknown[] = [];
  listResourceVersion = '100';
  readonly lists: ListCall[] = [];
  readonly watches: FakeWatch[] = [];

  list(_type: ResourceType, options: ListOptions): Promise<KubeResult<ListPage>> {
    this.lists.push({ options });
    const scripted = this.listAnswers.shift();
    if (scripted !== undefined) return Promise.resolve(scripted);
    const items = this.objects.filter(
      (o) => options.namespace === undefined || namespaceOf(o) === options.namespace,
    );
    return Promise.resolve({
      ok: true,
      value: { items, resourceVersion: this.listResourceVersion, continue: undefined },
    });
  }

  watch(_type: ResourceType, options: WatchOptions, onEvent: (event: RawWatchEvent) => void): WatchStream {
    const watch = new FakeWatch(options, onEvent);
    this.watches.push(watch);
    return watch;
  }

  /** The most recent watch. */
  get current(): FakeWatch {
    const watch = this.watches.at(-1);
    if (watch === undefined) throw new Error('no watch started');
    return watch;
  }
}

function namespaceOf(o: unknown): string | undefined {
  return (o as { metadata?: { namespace?: string } }).metadata?.namespace;
}
