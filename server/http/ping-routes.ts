/**
 * Per-device ping: `POST /api/devices/:id/ping` sends the `ping` rpc every
 * device SDK answers and returns its round trip with the device's statistics;
 * `GET /api/devices/:id/ping-stats` is the last hour of them. A ping is a
 * command like any other: it is in the device's command log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { CommandErrorSchema, DeviceIdParamsSchema, ErrorSchema } from '../../shared/api.ts';
import { PingBodySchema, PingReplySchema, PingStatsSchema } from '../../shared/ping.ts';
import { actorOf } from '../domain/auth-service.ts';

const tags = ['commands'];
const DEFAULT_PING_TIMEOUT_MS = 5000;

export const pingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pings } = app.services;

  app.post(
    '/api/devices/:id/ping',
    {
      schema: {
        tags,
        summary: 'Ping a device (rpc `ping`) and return the round trip; a reply with an error still counts',
        params: DeviceIdParamsSchema,
        // Optional: fastify validates a missing body as null.
        body: Type.Union([PingBodySchema, Type.Null()]),
        response: {
          200: PingReplySchema,
          404: ErrorSchema,
          409: CommandErrorSchema,
          504: CommandErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const command = await pings.ping(
        id,
        request.body?.timeout_ms ?? Math.min(app.config.rpcTimeoutMs, DEFAULT_PING_TIMEOUT_MS),
        request.principal ? actorOf(request.principal) : 'api',
      );
      // A reply, even an error, proves the device is reachable: that is what a ping asks.
      if ((command.status === 'ok' || command.status === 'error') && command.rtt_ms !== null) {
        return { rtt_ms: command.rtt_ms, command, stats: pings.stats(id) };
      }
      const offline = command.status === 'offline';
      return reply.status(offline ? 409 : 504).send({
        error: offline ? 'device_offline' : 'timeout',
        message: command.error?.message ?? command.status,
        command,
      });
    },
  );

  app.get(
    '/api/devices/:id/ping-stats',
    {
      schema: {
        tags,
        summary: 'Round-trip statistics of the device’s pings over the last hour',
        params: DeviceIdParamsSchema,
        response: { 200: PingStatsSchema, 404: ErrorSchema },
      },
    },
    async (request) => pings.stats(request.params.id),
  );
};
