/**
 * socket.io attached to fastify's HTTP server (the unmaintained
 * fastify-socket.io wrapper is not used), feeding browsers from the event bus.
 */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { type ClientToServerEvents, type ServerToClientEvents, SOCKET_PATH } from '../../shared/socket.ts';
import { LiveFeed } from '../realtime/live-feed.ts';
import './types.ts';

export const realtimePlugin = fp(
  async (app) => {
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
      path: SOCKET_PATH,
      serveClient: false,
      // Other upgrade paths (MQTT over WebSocket on /mqtt) are not socket.io's to destroy.
      destroyUpgrade: false,
    });
    const live = new LiveFeed(io, app.services, app.config.liveCoalesceMs);
    live.start();
    app.decorate('live', live);
    app.addHook('preClose', async () => {
      live.stop();
      // engine.close() ends the transports without closing fastify's HTTP server.
      io.engine.close();
    });
  },
  { name: 'hearth-realtime', dependencies: ['hearth-services'] },
);
