/**
 * A plain HTTP reverse proxy in front of an MCP server that records every request (method, headers, JSON body) and
 * counts the TCP connections clients open to it: what went over the wire, seen from outside the client.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON-RPC body (undefined for bodiless requests). */
  body?: {
    method?: string;
    params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
    [key: string]: unknown;
  };
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  connections: number;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const proxy: RecordingProxy = { url: '', requests: [], connections: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      proxy.requests.push({
        method: req.method ?? '',
        headers: req.headers,
        body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined,
      });
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: upstream.pathname + upstream.search,
          method: req.method,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (err) => res.destroy(err));
      forward.end(raw);
    });
  });
  server.on('connection', () => (proxy.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
