/** Listening on a port for the hub's own servers (MQTT, MQTT over TLS, metrics; the HTTP port shares the backlog). */
import type { Server } from 'node:net';

/**
 * How many finished TCP handshakes may wait for `accept`. Node's default, 511,
 * overflows when thousands of devices reconnect at once after a restart: the
 * kernel then drops their handshakes and each device waits out TCP's
 * retransmission backoff (1, 3, 7, 15 … s). Linux caps it at
 * net.core.somaxconn (4096 by default since 5.4).
 */
export const LISTEN_BACKLOG = 4096;

/** Listens on `host:port` (0: any free port) and resolves with the bound port; rejects if it is taken. */
export function listenOn(
  server: Server,
  port: number,
  host: string,
  backlog = LISTEN_BACKLOG,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
