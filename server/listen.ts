/** Listening on a port for the hub's own servers (MQTT, MQTT over TLS, metrics). */
import type { Server } from 'node:net';

/** Listens on `host:port` (0: any free port) and resolves with the bound port; rejects if it is taken. */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
