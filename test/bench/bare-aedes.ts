/**
 * The baseline broker: a plain aedes with no hooks, no auth, no storage, on
 * 127.0.0.1:<port>. It runs in its own process exactly like the hub does, so
 * the ingest bench compares like with like. Started by test/bench/run.ts.
 *
 * `--nodelay` turns Nagle's algorithm off on accepted sockets (TCP_NODELAY),
 * which Node's net.createServer leaves on by default, as the hub does too:
 * the command bench uses it to show the round trip without Nagle's delays.
 */
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const noDelay = process.argv.includes('--nodelay');
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: bare-aedes.ts <port> [--nodelay]');
  process.exit(2);
}

const broker = await Aedes.createBroker();
const sockets = new Set<Socket>();
const server = createServer({ noDelay }, (socket) => {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  broker.handle(socket);
});
server.listen(port, '127.0.0.1', () => console.log(`bare aedes listening on ${port}`));

function shutdown(): void {
  server.close();
  for (const s of sockets) s.destroy();
  broker.close(() => process.exit(0));
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
