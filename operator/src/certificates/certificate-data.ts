// What the operator keeps in its certificate Secret, by data key. The Secret is the only source of
// truth: every replica serves what it holds, so two replicas never present different CAs.

/** Secret data keys (values are PEM text; base64 only on the wire). */
export const DATA_KEY = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  /** The CA before the last rotation, trusted until it expires. */
  previousCaCert: 'ca-previous.crt',
  /** The current CA signed by the previous one: served in the chain so old trust still verifies. */
  crossCert: 'ca-cross.crt',
  /** Every CA clients must trust now (current first): what caBundle and sidecars get. */
  caBundle: 'ca-bundle.crt',
  webhookCert: 'webhook.crt',
  webhookKey: 'webhook.key',
  syncCert: 'sync.crt',
  syncKey: 'sync.key',
} as const;

export type CertificateData = Readonly<Record<string, string>>;

/** The two serving certificates, one per server. */
export const LEAVES = ['webhook', 'sync'] as const;
export type LeafName = (typeof LEAVES)[number];

export const LEAF_KEYS: Record<LeafName, { readonly cert: string; readonly key: string }> = {
  webhook: { cert: DATA_KEY.webhookCert, key: DATA_KEY.webhookKey },
  sync: { cert: DATA_KEY.syncCert, key: DATA_KEY.syncKey },
};

export interface CertificateNames {
  /** DNS names of both serving certificates. */
  readonly dnsNames: readonly string[];
}

/** `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lifetimes and renewal points. */
export const CERTIFICATE_POLICY = {
  caLifetimeMs: 3650 * DAY_MS,
  leafLifetimeMs: 365 * DAY_MS,
  /** A new CA is made at this fraction of the current one's life; the old stays trusted. */
  caRotateAt: 0.8,
  /** Serving certificates are re-issued at this fraction of their life. */
  leafRenewAt: 2 / 3,
  /** notBefore is set this far back, for clocks a little behind ours. */
  backdateMs: 60 * 60 * 1000,
} as const;

/** Splits PEM text into its certificate blocks. */
export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
