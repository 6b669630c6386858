/**
 * socket.io attached to fastify's HTTP server (the unmaintained
 * fastify-socket.io wrapper is not used), feeding browsers from the event bus.
 */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  SOCKET_PATH,
  SOCKET_UNAUTHORIZED,
} from '../../shared/socket.ts';
import { LiveFeed } from '../realtime/live-feed.ts';
import { principalFrom } from './auth-plugin.ts';
import './types.ts';

export const realtimePlugin = fp(
  async (app) => {
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
      path: SOCKET_PATH,
      serveClient: false,
      // Other upgrade paths (MQTT over WebSocket on /mqtt) are not socket.io's to destroy.
      destroyUpgrade: false,
    });
    // The live feed is as private as the API: a session cookie or a token
    // (`auth: { token }` in the socket.io handshake) is required.
    io.use((socket, next) => {
      const req = socket.request;
      const cookies = app.parseCookie(req.headers.cookie ?? '');
      const token = (socket.handshake.auth as { token?: unknown }).token;
      const authorization = typeof token === 'string' ? `Bearer ${token}` : req.headers.authorization;
      principalFrom(app.services.auth, cookies, authorization).then(
        (principal) => {
          if (!principal) return next(new Error(SOCKET_UNAUTHORIZED));
          socket.data.principal = principal;
          next();
        },
        () => next(new Error(SOCKET_UNAUTHORIZED)),
      );
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
  { name: 'hearth-realtime', dependencies: ['hearth-services', 'hearth-auth'] },
);
