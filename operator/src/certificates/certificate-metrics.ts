// ensign_operator_certificate_expiry_timestamp_seconds{certificate}: when each certificate this
// replica serves or trusts expires, read at scrape time.
import { Gauge, type Registry } from 'prom-client';

export function registerCertificateExpiry(
  registry: Registry,
  expiries: () => Readonly<Record<string, number>>,
): Gauge<'certificate'> {
  return new Gauge({
    name: 'ensign_operator_certificate_expiry_timestamp_seconds',
    help: 'Expiry (notAfter, Unix seconds) of the certificates the operator serves and the CAs it trusts (ca, ca-previous, webhook, sync).',
    labelNames: ['certificate'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [certificate, seconds] of Object.entries(expiries())) this.set({ certificate }, seconds);
    },
  });
}
