// The rotation claim, end to end over real TLS: after a CA rotation the served chain verifies for a
// client that trusts only the old CA, one that trusts only the new CA, and one with the bundle.
import { connect, createServer, type Server } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { buildCertificateData } from './build-certificate-data.ts';
import { CERTIFICATE_POLICY, DATA_KEY, serviceDnsNames } from './certificate-data.ts';
import { planCertificates } from './plan-certificates.ts';

const names = { dnsNames: serviceDnsNames('ensign-operator', 'ensign-system') };
const SERVER_NAME = 'ensign-operator.ensign-system.svc';
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(cert: string, key: string): Promise<number> {
  const server = createServer({ cert, key }, (socket) => socket.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** 'ok' when the handshake verified against `ca`, else the verification error code. */
function handshake(port: number, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: SERVER_NAME }, () => {
      socket.end();
      resolve('ok');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}

async function rotatedNow() {
  const now = Date.now();
  const born = now - Math.ceil(CERTIFICATE_POLICY.caRotateAt * CERTIFICATE_POLICY.caLifetimeMs) - 86_400_000;
  const first = planCertificates(born, {}, names);
  if (first.kind !== 'write') throw new Error('expected a write');
  const old = await buildCertificateData(first, {}, names, born);
  const rotation = planCertificates(now, old, names);
  if (rotation.kind !== 'write' || rotation.ca !== 'rotate') throw new Error('expected a rotation');
  return { old, rotated: await buildCertificateData(rotation, old, names, now) };
}

describe('buildCertificateData after a CA rotation', () => {
  it('serves a chain that clients trusting the old CA, the new CA or the bundle all verify', async () => {
    const { old, rotated } = await rotatedNow();
    const port = await listen(rotated[DATA_KEY.syncCert] ?? '', rotated[DATA_KEY.syncKey] ?? '');
    expect(await handshake(port, old[DATA_KEY.caCert] ?? '')).toBe('ok');
    expect(await handshake(port, rotated[DATA_KEY.caCert] ?? '')).toBe('ok');
    expect(await handshake(port, rotated[DATA_KEY.caBundle] ?? '')).toBe('ok');
    expect(await handshake(port, (await createTestCa('Unrelated')).certPem)).not.toBe('ok');
  });

  it('serves the webhook certificate for the Service DNS names only', async () => {
    const { rotated } = await rotatedNow();
    const port = await listen(rotated[DATA_KEY.webhookCert] ?? '', rotated[DATA_KEY.webhookKey] ?? '');
    expect(await handshake(port, rotated[DATA_KEY.caBundle] ?? '')).toBe('ok');
    const wrongName = await new Promise<string>((resolve) => {
      const socket = connect(
        { host: '127.0.0.1', port, ca: rotated[DATA_KEY.caBundle] ?? '', servername: 'elsewhere.example' },
        () => {
          socket.end();
          resolve('ok');
        },
      );
      socket.on('error', (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? error.message);
      });
    });
    expect(wrongName).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
