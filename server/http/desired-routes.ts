/**
 * Desired state of a device's controls: read them with what the device
 * reports, or set one. A value set while the device is away waits for it
 * (`waiting_for_device`), unless its TTL runs out or its policy is
 * `drop_if_offline`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DeviceIdParamsSchema, ErrorSchema } from '../../shared/api.ts';
import { DesiredSchema, SetDesiredBodySchema } from '../../shared/desired-state.ts';
import { actorOf } from '../domain/auth-service.ts';

const tags = ['desired state'];

export const desiredRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { desired } = app.services;

  app.get(
    '/api/devices/:id/desired',
    {
      schema: {
        tags,
        summary: "Desired vs reported value of each of the device's controls that was ever set",
        params: DeviceIdParamsSchema,
        response: { 200: Type.Array(DesiredSchema), 404: ErrorSchema },
      },
    },
    async (request) => desired.list(request.params.id),
  );

  app.put(
    '/api/devices/:id/desired',
    {
      schema: {
        tags,
        summary: 'Set a desired value: sent now when the device is online, else when it is back',
        params: DeviceIdParamsSchema,
        body: SetDesiredBodySchema,
        response: { 200: DesiredSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) =>
      desired.set(request.params.id, request.body, request.principal ? actorOf(request.principal) : 'api'),
  );
};
