import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the target received. */
export interface TargetRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type TargetHandler = (request: TargetRequest, response: http.ServerResponse) => void;

/**
 * A local HTTP server for tests of outbound requests (tools, sandbox fetch): routes by path, records
 * every request. Listens on 127.0.0.1 only.
 */
export class HttpTarget {
  readonly requests: TargetRequest[] = [];
  private readonly routes = new Map<string, TargetHandler>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.requests.push(request);
      const handler = this.routes.get(request.url.split('?')[0]!);
      if (handler) handler(request, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  });
  port = 0;

  /** Registers (or replaces) the handler of a path. */
  route(path: string, handler: TargetHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
