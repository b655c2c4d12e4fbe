// API resources the operator reads and writes, and the REST paths for them.

export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const FLAG: ResourceType = {
  group: 'ensign.dev',
  version: 'v1alpha1',
  plural: 'flags',
  kind: 'Flag',
  namespaced: true,
};
export const SEGMENT: ResourceType = {
  group: 'ensign.dev',
  version: 'v1alpha1',
  plural: 'segments',
  kind: 'Segment',
  namespaced: true,
};
export const FLAG_NAMESPACE: ResourceType = {
  group: 'ensign.dev',
  version: 'v1alpha1',
  plural: 'flagnamespaces',
  kind: 'FlagNamespace',
  namespaced: false,
};
export const LEASE: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
};
export const EVENT: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
};

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export interface PathOptions {
  /** Ignored for cluster-scoped types; all namespaces when absent for namespaced ones. */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/** `/apis/ensign.dev/v1alpha1/namespaces/shop/flags/x/status` and the like. */
export function resourcePath(type: ResourceType, options: PathOptions = {}): string {
  const parts = [type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`];
  if (type.namespaced && options.namespace !== undefined)
    parts.push('namespaces', encodeURIComponent(options.namespace));
  parts.push(type.plural);
  if (options.name !== undefined) parts.push(encodeURIComponent(options.name));
  if (options.subresource !== undefined) parts.push(options.subresource);
  return parts.join('/');
}
