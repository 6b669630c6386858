/**
 * The optional separate listener for Prometheus (`metricsPort`, off by
 * default): `GET /metrics` without credentials, on `metricsHost`
 * (127.0.0.1 by default) so only the hub's own machine, or a network you
 * chose, can scrape it. Plain node:http: it serves one path and nothing else.
 */
import { createServer, type Server } from 'node:http';
import { listenOn } from '../listen.ts';

export class MetricsListener {
  private server: Server | null = null;

  constructor(
    private readonly render: () => Promise<string>,
    private readonly contentType: string,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Listens; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('not found: only GET /metrics is served here\n');
        return;
      }
      this.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: Error) => {
          this.onError(err);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect the metrics\n');
        },
      );
    });
    // Idle keep-alive connections from a scraper must not hold a shutdown open.
    server.keepAliveTimeout = 5000;
    this.server = server;
    return listenOn(server, port, host);
  }

  /** The bound port, or null when not listening. */
  get port(): number | null {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : null;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
