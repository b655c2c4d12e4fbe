// Small helpers over the sidecar's Flipt REST API for tests that only need an answer.
export interface BooleanAnswer {
  enabled: boolean;
  reason: string;
}
export interface VariantAnswer {
  match: boolean;
  variantKey: string;
  reason: string;
  segmentKeys: string[];
}

export interface Reply<T> {
  status: number;
  body: T;
}

async function post<T>(url: string, body: object): Promise<Reply<T>> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

export function booleanOf(
  base: string,
  flagKey: string,
  context: Record<string, string> = {},
  namespaceKey = '',
) {
  return post<BooleanAnswer & { message?: string }>(`${base}/evaluate/v1/boolean`, {
    namespaceKey,
    flagKey,
    entityId: 'e2e-entity',
    context,
  });
}

export function variantOf(
  base: string,
  flagKey: string,
  context: Record<string, string> = {},
  namespaceKey = '',
) {
  return post<VariantAnswer & { message?: string }>(`${base}/evaluate/v1/variant`, {
    namespaceKey,
    flagKey,
    entityId: 'e2e-entity',
    context,
  });
}
