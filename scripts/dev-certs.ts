// Writes a development CA and a sync serving certificate it signed, for running the operator with
// TLS on a laptop or in a throwaway cluster (a real cluster gets them from cert-manager or a Secret):
//
//   node scripts/dev-certs.ts OUT_DIR [NAME ...]      (default names: localhost 127.0.0.1)
//   → OUT_DIR/ca.crt (sidecar --sync-ca), OUT_DIR/tls.crt + tls.key (operator --sync-tls-cert/-key)
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';

const [outDir, ...names] = process.argv.slice(2);
if (outDir === undefined) {
  process.stderr.write('usage: node scripts/dev-certs.ts OUT_DIR [DNS-NAME-OR-IP ...]\n');
  process.exit(2);
}
const subjects = names.length > 0 ? names : ['localhost', '127.0.0.1'];
const ca = await createTestCa('Ensign development CA');
const serving = await ca.issue({
  dnsNames: subjects.filter((n) => isIP(n) === 0),
  ipAddresses: subjects.filter((n) => isIP(n) !== 0),
});
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'ca.crt'), ca.certPem);
await writeFile(join(outDir, 'tls.crt'), serving.certPem);
await writeFile(join(outDir, 'tls.key'), serving.keyPem, { mode: 0o600 });
process.stdout.write(`wrote ca.crt, tls.crt and tls.key for ${subjects.join(', ')} to ${outDir}\n`);
