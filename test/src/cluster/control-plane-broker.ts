// Shares one control plane across the integration run. vitest's globalSetup (the main process)
// owns it; test files run in workers and ask for it over loopback HTTP. The plane starts on the
// first request, so runs whose files never ask for it pay nothing.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectControlPlane } from './control-plane.ts';
import type { ControlPlane, ControlPlaneInfo } from './control-plane.ts';

export interface ControlPlaneBroker {
  /** Base URL with a secret path, so only holders of the URL reach the admin kubeconfig. */
  readonly url: string;
  /** The plane, if any test asked for one. */
  started(): Promise<ControlPlane> | undefined;
  close(): Promise<void>;
}

function infoOf(plane: ControlPlane): ControlPlaneInfo {
  return {
    provider: plane.provider,
    server: plane.server,
    kubeconfigPath: plane.kubeconfigPath,
    kubectlPath: plane.kubectlPath,
    helmPath: plane.helmPath,
    version: plane.version,
    workDir: plane.workDir,
    ca: plane.ca,
    serviceAccountIssuer: plane.serviceAccountIssuer,
    serviceAccountSigningKeyPath: plane.serviceAccountSigningKeyPath,
  };
}

export async function startControlPlaneBroker(
  acquire: () => Promise<ControlPlane>,
): Promise<ControlPlaneBroker> {
  let plane: Promise<ControlPlane> | undefined;
  const secret = randomBytes(16).toString('hex');
  const routes: Record<string, (p: ControlPlane) => Promise<unknown>> = {
    [`/${secret}/control-plane`]: (p) => Promise.resolve(infoOf(p)),
    [`/${secret}/restart-apiserver`]: async (p) => {
      await p.restartApiServer();
      return {};
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    try {
      plane ??= acquire();
      const body = JSON.stringify(await route(await plane));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(error instanceof Error ? error.message : String(error));
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  // Start-up on two cores can take a while; the default request timeouts must not cut it short.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    started: () => plane,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function call(url: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST' });
  const body = await res.text();
  if (!res.ok) throw new Error(`control plane unavailable: ${body}`);
  return JSON.parse(body) as unknown;
}

/** The worker side: asks the broker for the plane (starting it if needed) and connects to it. */
export async function requestControlPlane(brokerUrl: string): Promise<ControlPlane> {
  const info = (await call(`${brokerUrl}/control-plane`)) as ControlPlaneInfo;
  return connectControlPlane(info, {
    async restartApiServer() {
      await call(`${brokerUrl}/restart-apiserver`);
    },
  });
}
