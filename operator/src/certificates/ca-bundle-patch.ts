// The JSON patch (RFC 6902) that puts the operator's CA bundle into every webhook of a
// MutatingWebhookConfiguration. JSON patch, not merge patch: a merge patch would have to resend
// the whole webhooks list (lists are replaced), and strategic merge is not what we want to depend
// on. The patch names webhooks by index, so it carries the resourceVersion it was computed from:
// the API server then refuses it (409) if the list changed in between.
import { z } from 'zod';

const webhookConfiguration = z.object({
  metadata: z.object({ name: z.string(), resourceVersion: z.string() }),
  webhooks: z
    .array(
      z.object({
        name: z.string(),
        clientConfig: z.object({ caBundle: z.string().optional() }).loose().optional(),
      }),
    )
    .optional(),
});
export type WebhookConfigurationView = z.infer<typeof webhookConfiguration>;

export function parseWebhookConfiguration(raw: unknown): WebhookConfigurationView | undefined {
  const result = webhookConfiguration.safeParse(raw);
  return result.success ? result.data : undefined;
}

export type JsonPatchOperation =
  | { readonly op: 'replace'; readonly path: string; readonly value: string }
  | { readonly op: 'add'; readonly path: string; readonly value: string | Record<string, string> };

export interface CaBundlePatch {
  readonly operations: JsonPatchOperation[];
  /** Names of the webhooks whose caBundle is set or repaired. */
  readonly webhooks: string[];
}

/** undefined when every webhook already trusts exactly `caBundlePem`. */
export function caBundlePatch(
  config: WebhookConfigurationView,
  caBundlePem: string,
): CaBundlePatch | undefined {
  const encoded = Buffer.from(caBundlePem).toString('base64');
  const operations: JsonPatchOperation[] = [];
  const webhooks: string[] = [];
  (config.webhooks ?? []).forEach((webhook, index) => {
    if (webhook.clientConfig?.caBundle === encoded) return;
    webhooks.push(webhook.name);
    operations.push(
      webhook.clientConfig === undefined
        ? { op: 'add', path: `/webhooks/${index}/clientConfig`, value: { caBundle: encoded } }
        : { op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: encoded },
    );
  });
  if (operations.length === 0) return undefined;
  const precondition: JsonPatchOperation = {
    op: 'replace',
    path: '/metadata/resourceVersion',
    value: config.metadata.resourceVersion,
  };
  return { operations: [precondition, ...operations], webhooks };
}
