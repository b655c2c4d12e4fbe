// A CA bundle is usable when it holds at least one PEM certificate and every one of them parses.
// Shared by the operator (the bundle it injects, --ca-file) and the sidecar (--sync-ca, --sync-ca-pem).
import { X509Certificate } from 'node:crypto';

/** Why the PEM is not a CA bundle, or undefined when every certificate in it parses. */
export function caBundleProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return 'contains no PEM certificate';
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      return `certificate ${i + 1} does not parse: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}
