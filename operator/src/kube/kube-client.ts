// A small REST client for the few calls the operator makes (list, watch, get, create, replace,
// patch), over client-node's KubeConfig for credentials (kubeconfig files, in-cluster token files
// that rotate, exec plugins) and undici for transport. Every call returns a KubeResult; nothing
// throws. Patches name their content type explicitly: merge patch or server-side apply, never the
// strategic merge patch that custom resources reject.
import { STATUS_CODES } from 'node:http';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher, type Response } from 'undici';
import { errorFromStatus, failure, ok, type KubeError, type KubeResult } from './kube-result.ts';
import { resourcePath, type ResourceType } from './resource-type.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  readonly query?: Query | undefined;
  readonly body?: unknown;
  readonly contentType?: string | undefined;
  /** Abort when no complete response arrived in time (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Accept header (default application/json), e.g. to receive metadata only. */
  readonly accept?: string | undefined;
}

export const PATCH_CONTENT_TYPE = {
  merge: 'application/merge-patch+json',
  apply: 'application/apply-patch+yaml',
  json: 'application/json-patch+json',
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPE;

export interface PatchOptions {
  readonly subresource?: string | undefined;
  /** Required for server-side apply. */
  readonly fieldManager?: string | undefined;
  /** Server-side apply: take over fields another manager owns. */
  readonly force?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface ListOptions {
  readonly namespace?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly limit?: number | undefined;
  readonly continue?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly accept?: string | undefined;
}

export interface ListPage {
  readonly items: unknown[];
  readonly resourceVersion: string;
  /** Set when more pages follow. */
  readonly continue: string | undefined;
}

export interface WatchOptions {
  readonly namespace?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly resourceVersion: string;
  /** The API server ends the watch cleanly after this long. */
  readonly timeoutSeconds: number;
  readonly allowWatchBookmarks: boolean;
  readonly accept?: string | undefined;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface RawWatchEvent {
  readonly type: WatchEventType;
  readonly object: unknown;
}

export interface WatchStream {
  /** Resolves once: ok when the server ended the stream, an error otherwise (ERROR events included). */
  readonly done: Promise<KubeResult<void>>;
  /** Ends the stream from this side; `done` then resolves with reason `Aborted`. */
  abort(): void;
}

/** The list and watch calls an informer needs (KubeClient implements it; tests fake it). */
export interface ListWatchApi {
  list(type: ResourceType, options: ListOptions): Promise<KubeResult<ListPage>>;
  watch(type: ResourceType, options: WatchOptions, onEvent: (event: RawWatchEvent) => void): WatchStream;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const WATCH_EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class KubeClient implements ListWatchApi {
  readonly #config: KubeConfig;
  readonly #userAgent: string;
  /** client-node builds a new connection pool per call; one shared pool keeps connections alive. */
  #dispatcher: Dispatcher | undefined;

  constructor(config: KubeConfig, userAgent = 'ensign-operator') {
    this.#config = config;
    this.#userAgent = userAgent;
  }

  get server(): string {
    return this.#config.getCurrentCluster()?.server ?? '';
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<KubeResult<T>> {
    const started = await this.#start(
      method,
      path,
      options,
      AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    );
    if (!started.ok) return started;
    const response = started.value;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return { ok: false, error: networkError(error) };
    }
    const body = parseJson(text);
    if (response.status >= 200 && response.status < 300) return ok(body as T);
    return { ok: false, error: errorFromStatus(response.status, body, reasonPhrase(response.status)) };
  }

  list(type: ResourceType, options: ListOptions): Promise<KubeResult<ListPage>> {
    const query: Query = {
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
    };
    return this.request<{ items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } }>(
      HttpMethod.GET,
      resourcePath(type, { namespace: options.namespace }),
      { query, timeoutMs: options.timeoutMs ?? 60_000, accept: options.accept },
    ).then((result) => {
      if (!result.ok) return result;
      const { items, metadata } = result.value;
      const next = metadata?.continue;
      return ok({
        items: Array.isArray(items) ? items : [],
        resourceVersion: metadata?.resourceVersion ?? '',
        continue: next === undefined || next === '' ? undefined : next,
      });
    });
  }

  watch(type: ResourceType, options: WatchOptions, onEvent: (event: RawWatchEvent) => void): WatchStream {
    const controller = new AbortController();
    const query: Query = {
      watch: 1,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks,
      timeoutSeconds: options.timeoutSeconds,
      fieldSelector: options.fieldSelector,
    };
    const path = resourcePath(type, { namespace: options.namespace });
    const done = this.#runWatch(path, { query, accept: options.accept }, controller.signal, onEvent);
    return {
      done,
      abort: () => {
        controller.abort();
      },
    };
  }

  get<T>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    timeoutMs?: number,
  ): Promise<KubeResult<T>> {
    return this.request<T>(HttpMethod.GET, resourcePath(type, { namespace, name }), { timeoutMs });
  }

  create<T>(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    timeoutMs?: number,
  ): Promise<KubeResult<T>> {
    return this.request<T>(HttpMethod.POST, resourcePath(type, { namespace }), {
      body,
      contentType: 'application/json',
      timeoutMs,
    });
  }

  /** PUT: a full update, conditional on the body's metadata.resourceVersion (409 when stale). */
  replace<T>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    timeoutMs?: number,
  ): Promise<KubeResult<T>> {
    return this.request<T>(HttpMethod.PUT, resourcePath(type, { namespace, name }), {
      body,
      contentType: 'application/json',
      timeoutMs,
    });
  }

  patch<T>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    patchType: PatchType,
    options: PatchOptions = {},
  ): Promise<KubeResult<T>> {
    const query: Query = { fieldManager: options.fieldManager, force: options.force };
    return this.request<T>(
      HttpMethod.PATCH,
      resourcePath(type, { namespace, name, subresource: options.subresource }),
      {
        body,
        query,
        contentType: PATCH_CONTENT_TYPE[patchType],
        timeoutMs: options.timeoutMs,
      },
    );
  }

  async #start(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    signal: AbortSignal,
  ): Promise<KubeResult<Response>> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const context = new RequestContext(url.toString(), method);
    try {
      await this.#config.applySecurityAuthentication(context);
    } catch (error) {
      return failure(0, 'Unauthorized', `could not obtain credentials: ${errorText(error)}`);
    }
    this.#dispatcher ??= context.getDispatcher();
    const headers: Record<string, string> = {
      ...context.getHeaders(),
      Accept: options.accept ?? 'application/json',
      'User-Agent': this.#userAgent,
    };
    if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        ...(this.#dispatcher === undefined ? {} : { dispatcher: this.#dispatcher }),
      });
      return ok(response);
    } catch (error) {
      return { ok: false, error: networkError(error) };
    }
  }

  async #runWatch(
    path: string,
    options: RequestOptions,
    signal: AbortSignal,
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<KubeResult<void>> {
    const started = await this.#start(HttpMethod.GET, path, options, signal);
    if (!started.ok) return started;
    const response = started.value;
    if (response.status !== 200) {
      const body = parseJson(await response.text().catch(() => ''));
      return { ok: false, error: errorFromStatus(response.status, body, reasonPhrase(response.status)) };
    }
    if (response.body === null) return ok(undefined);
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
          if (line.trim() === '') continue;
          const event = parseWatchLine(line);
          if (event === undefined)
            return failure(0, 'InvalidWatchEvent', `unreadable watch event: ${line.slice(0, 200)}`);
          if (event.type === 'ERROR')
            return { ok: false, error: errorFromStatus(500, event.object, 'WatchError') };
          onEvent(event);
        }
      }
    } catch (error) {
      return { ok: false, error: networkError(error) };
    }
    return ok(undefined);
  }
}

function parseWatchLine(line: string): RawWatchEvent | undefined {
  const parsed = parseJson(line);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, object } = parsed as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !WATCH_EVENT_TYPES.has(type)) return undefined;
  return { type: type as WatchEventType, object };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function reasonPhrase(code: number): string {
  return (STATUS_CODES[code] ?? 'Error').replace(/\s+/g, '');
}

function networkError(error: unknown): KubeError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return { code: 0, reason: 'Timeout', message: errorText(error) };
  if (name === 'AbortError') return { code: 0, reason: 'Aborted', message: errorText(error) };
  return { code: 0, reason: 'NetworkError', message: errorText(error) };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
