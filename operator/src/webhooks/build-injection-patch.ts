// The RFC 6902 patch that injects the sidecar into a pod. Only `add` operations: whole arrays and
// objects where the pod has none (adding to `/-` of a missing array fails), single elements
// appended otherwise, so nothing the pod author wrote is rewritten.
import { escapePointer, type JsonPatchOperation, type Pod, type PodContainer } from './admission-review.ts';
import { ANNOTATIONS, STATE_VOLUME, TOKEN_VOLUME } from './injection-names.ts';
import { podSettings } from './pod-settings.ts';
import {
  APP_TOKEN_MOUNT,
  appEnv,
  sidecarContainer,
  sidecarVolumes,
  type SidecarContext,
} from './sidecar-container.ts';

export type PatchResult =
  | {
      readonly ok: true;
      readonly patch: readonly JsonPatchOperation[];
      /** Flag namespaces the sidecar serves besides the pod's own (ensign.dev/namespaces). */
      readonly extraNamespaces: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export function buildInjectionPatch(pod: Pod, context: SidecarContext): PatchResult {
  const annotations = pod.metadata.annotations ?? {};
  const settings = podSettings(annotations, context.config);
  if (!settings.ok) return settings;
  // The ServiceAccount admission plugin sets it before webhooks run; without it the API server
  // refuses the projected token volume with a message that does not mention Ensign.
  if ((pod.spec.serviceAccountName ?? '') === '')
    return {
      ok: false,
      error:
        'the pod has no serviceAccountName (normally set by the ServiceAccount admission plugin), and the sidecar needs a token of the pod’s service account',
    };
  const taken = (pod.spec.volumes ?? [])
    .map((v) => v.name)
    .filter((n) => n === TOKEN_VOLUME || n === STATE_VOLUME);
  if (taken.length > 0)
    return {
      ok: false,
      error: `the pod already has a volume named ${taken.join(' and ')}, which the Ensign sidecar needs; rename it or annotate the pod ${ANNOTATIONS.inject}: "false"`,
    };

  const patch: JsonPatchOperation[] = [];
  // Env first: inserting the native sidecar at initContainers/0 shifts the indexes after it.
  if (settings.settings.appEnv) {
    pod.spec.containers.forEach((c, i) => patch.push(...envOperations(`/spec/containers/${i}`, c)));
    // Init containers after a native sidecar start once it is ready, so they can use flags too.
    if (context.native)
      (pod.spec.initContainers ?? []).forEach((c, i) =>
        patch.push(...envOperations(`/spec/initContainers/${i}`, c)),
      );
  }
  patch.push(...appendAll('/spec/volumes', pod.spec.volumes, sidecarVolumes(context.config)));
  const sidecar = sidecarContainer(context, settings.settings);
  if (!context.native) patch.push({ op: 'add', path: '/spec/containers/-', value: sidecar });
  // Prepended: the sidecar starts before every other init container, which may then read flags.
  else if (pod.spec.initContainers == null)
    patch.push({ op: 'add', path: '/spec/initContainers', value: [sidecar] });
  else patch.push({ op: 'add', path: '/spec/initContainers/0', value: sidecar });
  patch.push(
    pod.metadata.annotations == null
      ? { op: 'add', path: '/metadata/annotations', value: { [ANNOTATIONS.injected]: 'true' } }
      : { op: 'add', path: `/metadata/annotations/${escapePointer(ANNOTATIONS.injected)}`, value: 'true' },
  );
  return { ok: true, patch, extraNamespaces: settings.settings.extraNamespaces };
}

/**
 * Adds the app env vars a container does not set itself, and the token mount unless the container
 * already mounts something at that path.
 */
function envOperations(containerPath: string, container: PodContainer): JsonPatchOperation[] {
  const own = new Set((container.env ?? []).map((e) => e.name));
  const mounted = (container.volumeMounts ?? []).some((m) => m.mountPath === APP_TOKEN_MOUNT.mountPath);
  return [
    ...appendAll(
      `${containerPath}/env`,
      container.env,
      appEnv().filter((e) => !own.has(e.name)),
    ),
    ...appendAll(`${containerPath}/volumeMounts`, container.volumeMounts, mounted ? [] : [APP_TOKEN_MOUNT]),
  ];
}

function appendAll(
  path: string,
  existing: readonly unknown[] | null | undefined,
  values: readonly unknown[],
): JsonPatchOperation[] {
  if (values.length === 0) return [];
  if (existing == null) return [{ op: 'add', path, value: values }];
  return values.map((value) => ({ op: 'add', path: `${path}/-`, value }));
}
