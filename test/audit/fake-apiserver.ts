/**
 * A local HTTPS server that answers the audit's Kubernetes API requests with recorded-shape
 * responses (./fixtures.ts), and a kubeconfig pointing at it (certificate-authority-data: the
 * test certificate, a bearer-token user). No API server can run on these machines; the client
 * talking to this one is @kubernetes/client-node itself, through the built CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { makeCert } from '../webhook/helpers.js';

export const TOKEN = 'test-token-9f8e7d';

/** One answer: status and JSON body. */
export interface Route {
  status: number;
  body: unknown;
}

/** What the server saw. */
export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  authorization?: string;
}

export interface FakeApiServer {
  port: number;
  url: string;
  ca: string;
  requests: SeenRequest[];
  /** a kubeconfig file for this server (context `test`, or the name given) */
  kubeconfig(context?: string): string;
  close(): Promise<void>;
}

/**
 * Start the server. `routes` maps a request path (no query) to its answer; any other path gets a
 * 404 Status, as the API server answers for a resource it does not serve.
 */
export async function startFakeApiServer(routes: Record<string, Route>): Promise<FakeApiServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-audit-'));
  const cert = makeCert(dir, 'apiserver');
  const requests: SeenRequest[] = [];
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const url = req.url ?? '/';
    const p = url.split('?')[0];
    requests.push({ method: req.method ?? '', url, path: p, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'audit-id': `test-${requests.length}` });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      send(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      return;
    }
    const route = req.method === 'GET' ? routes[p] : undefined;
    if (!route) {
      send(req.method === 'GET' ? 404 : 405, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
      return;
    }
    send(route.status, route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  return {
    port,
    url,
    ca: cert.cert,
    requests,
    kubeconfig(context = 'test') {
      const file = path.join(dir, `kubeconfig-${context}`);
      writeFileSync(
        file,
        YAML.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': context,
          clusters: [{ name: 'local', cluster: { server: url, 'certificate-authority-data': Buffer.from(cert.cert).toString('base64') } }],
          users: [{ name: 'auditor', user: { token: TOKEN } }],
          contexts: [{ name: context, context: { cluster: 'local', user: 'auditor' } }],
        }),
      );
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
