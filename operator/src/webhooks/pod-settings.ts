// Per-pod settings from annotations, over the config file's defaults. A value that does not parse
// denies the pod with a message naming the annotation: the user asked for something explicit,
// and silently injecting something else would surface much later (OOM kills, throttling).
import { LOG_LEVELS, NAMESPACE_NAME } from '@ensign/core/option-schemas.ts';
import type { InjectionConfig, Resources } from './injection-config.ts';
import { ANNOTATIONS } from './injection-names.ts';
import { quantityValue } from './quantity.ts';

export interface PodSettings {
  readonly resources: Resources;
  /** Flag namespaces served besides the pod's own. */
  readonly extraNamespaces: readonly string[];
  readonly logLevel: string;
  readonly appEnv: boolean;
}

export type PodSettingsResult =
  { readonly ok: true; readonly settings: PodSettings } | { readonly ok: false; readonly error: string };

const RESOURCE_ANNOTATIONS = [
  { annotation: ANNOTATIONS.cpuRequest, kind: 'requests', resource: 'cpu' },
  { annotation: ANNOTATIONS.memoryRequest, kind: 'requests', resource: 'memory' },
  { annotation: ANNOTATIONS.cpuLimit, kind: 'limits', resource: 'cpu' },
  { annotation: ANNOTATIONS.memoryLimit, kind: 'limits', resource: 'memory' },
] as const;

export function podSettings(
  annotations: Readonly<Record<string, string>>,
  config: InjectionConfig,
): PodSettingsResult {
  const errors: string[] = [];
  const requests = { ...config.resources.requests };
  const limits = { ...config.resources.limits };
  for (const { annotation, kind, resource } of RESOURCE_ANNOTATIONS) {
    const value = annotations[annotation];
    if (value === undefined) continue;
    if (quantityValue(value) === undefined)
      errors.push(`annotation ${annotation}: "${value}" is not a Kubernetes quantity (e.g. 50m, 0.5, 128Mi)`);
    else (kind === 'requests' ? requests : limits)[resource] = value;
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = requests[resource];
    const limit = limits[resource];
    if (request === undefined || limit === undefined) continue;
    if ((quantityValue(request) ?? 0) > (quantityValue(limit) ?? Infinity))
      errors.push(
        `the sidecar's ${resource} request ${request} exceeds its ${resource} limit ${limit} (${blame(annotations, resource)})`,
      );
  }

  const namespaces = parseNamespaces(annotations[ANNOTATIONS.namespaces], errors);
  const logLevel = annotations[ANNOTATIONS.logLevel] ?? config.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    errors.push(`annotation ${ANNOTATIONS.logLevel}: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const appEnvText = annotations[ANNOTATIONS.appEnv];
  if (appEnvText !== undefined && appEnvText !== 'true' && appEnvText !== 'false')
    errors.push(`annotation ${ANNOTATIONS.appEnv}: "${appEnvText}" must be "true" or "false"`);

  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return {
    ok: true,
    settings: {
      resources: {
        ...(Object.keys(requests).length === 0 ? {} : { requests }),
        ...(Object.keys(limits).length === 0 ? {} : { limits }),
      },
      extraNamespaces: namespaces,
      logLevel,
      appEnv: appEnvText === undefined ? config.appEnv : appEnvText === 'true',
    },
  };
}

function parseNamespaces(text: string | undefined, errors: string[]): string[] {
  if (text === undefined) return [];
  const names = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  const bad = names.filter((n) => !NAMESPACE_NAME.test(n));
  if (bad.length > 0)
    errors.push(
      `annotation ${ANNOTATIONS.namespaces}: ${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not a namespace name' : 'are not namespace names'}`,
    );
  return names.sort();
}

function blame(annotations: Readonly<Record<string, string>>, resource: 'cpu' | 'memory'): string {
  const named = RESOURCE_ANNOTATIONS.filter(
    (r) => r.resource === resource && annotations[r.annotation] !== undefined,
  );
  return named.length === 0
    ? 'check resources in the injection config'
    : `check annotation ${named.map((r) => r.annotation).join(' and ')}`;
}
