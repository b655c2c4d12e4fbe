// The part of @flipt-io/flipt-client-js@0.5.1's documented API the benchmark uses, typed here
// because the package's own .d.ts files import each other without file extensions, which does not
// resolve under `moduleResolution: nodenext` (every type from it would be an error type).
import * as fliptModule from '@flipt-io/flipt-client-js';

/** The Response-like object a custom fetcher returns. */
export interface FliptFetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

export interface FliptRequest {
  flagKey: string;
  entityId: string;
  context: Record<string, string>;
}

export interface FliptClient {
  evaluateVariant(request: FliptRequest): { variantKey: string; reason: string };
  evaluateBoolean(request: FliptRequest): { enabled: boolean; reason: string };
  listFlags(): unknown[];
  /** Fetches again; true when the state changed. */
  refresh(): Promise<boolean>;
  /** Declared by the Node build only: stops auto refresh. */
  close?: () => void;
}

export interface FliptClientOptions {
  namespace: string;
  fetcher: (options?: { etag?: string }) => Promise<FliptFetchResponse>;
}

interface FliptModule {
  FliptClient: { init(options: FliptClientOptions): Promise<FliptClient> };
}

export const initFliptClient = (options: FliptClientOptions): Promise<FliptClient> =>
  (fliptModule as unknown as FliptModule).FliptClient.init(options);
