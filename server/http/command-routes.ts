/**
 * Commands: `POST /api/devices/:id/rpc` waits for the device's answer and maps
 * the outcome to a status (200 ok, 409 offline, 504 timeout, 502 device
 * error); `GET /api/devices/:id/commands` is the command log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  type CommandDto,
  CommandErrorSchema,
  CommandListQuerySchema,
  CommandSchema,
  DeviceIdParamsSchema,
  ErrorSchema,
  RpcBodySchema,
} from '../../shared/api.ts';
import { actorOf } from '../domain/auth-service.ts';

const tags = ['commands'];

const OUTCOME_STATUS: Record<Exclude<CommandDto['status'], 'ok' | 'pending'>, 409 | 502 | 504> = {
  offline: 409,
  timeout: 504,
  error: 502,
};

const OUTCOME_CODE = { offline: 'device_offline', timeout: 'timeout', error: 'device_error' } as const;

export const commandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/devices/:id/rpc',
    {
      schema: {
        tags,
        summary: 'Send a command and wait for the device to answer',
        params: DeviceIdParamsSchema,
        body: RpcBodySchema,
        response: {
          200: CommandSchema,
          400: ErrorSchema,
          404: ErrorSchema,
          409: CommandErrorSchema,
          502: CommandErrorSchema,
          504: CommandErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const command = await app.services.commands.send({
        deviceId: request.params.id,
        method: request.body.method,
        params: request.body.params ?? {},
        timeoutMs: request.body.timeout_ms ?? app.config.rpcTimeoutMs,
        actor: request.principal ? actorOf(request.principal) : 'api',
      });
      if (command.status === 'ok' || command.status === 'pending') return command;
      return reply.status(OUTCOME_STATUS[command.status]).send({
        error: OUTCOME_CODE[command.status],
        message: command.error?.message ?? command.status,
        command,
      });
    },
  );

  app.get(
    '/api/devices/:id/commands',
    {
      schema: {
        tags,
        summary: 'The command log of a device, newest first',
        params: DeviceIdParamsSchema,
        querystring: CommandListQuerySchema,
        response: { 200: Type.Array(CommandSchema), 404: ErrorSchema },
      },
    },
    async (request) => app.services.commands.list(request.params.id, request.query.limit ?? 50),
  );
};
