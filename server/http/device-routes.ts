/** Devices: list, read, add (credentials shown once), rename / move, remove. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  CreateDeviceBodySchema,
  CreatedDeviceSchema,
  CredentialsSchema,
  DeviceIdParamsSchema,
  DeviceSchema,
  ErrorSchema,
  PresenceEventSchema,
  PresenceQuerySchema,
  UpdateDeviceBodySchema,
} from '../../shared/api.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;

const tags = ['devices'];

export const deviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { devices } = app.services;

  app.get(
    '/api/devices',
    {
      schema: {
        tags,
        summary: 'Every device with its presence, state and latest readings',
        response: { 200: Type.Array(DeviceSchema) },
      },
    },
    async () => devices.list(),
  );

  app.post(
    '/api/devices',
    {
      schema: {
        tags,
        summary: 'Add a device; the answer holds its credentials, shown only this once',
        body: CreateDeviceBodySchema,
        response: { 201: CreatedDeviceSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const created = await devices.create(request.body);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'One device',
        params: DeviceIdParamsSchema,
        response: { 200: DeviceSchema, 404: ErrorSchema },
      },
    },
    async (request) => devices.get(request.params.id),
  );

  app.patch(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'Rename a device or move it to another room (null: no room)',
        params: DeviceIdParamsSchema,
        body: UpdateDeviceBodySchema,
        response: { 200: DeviceSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => devices.update(request.params.id, request.body),
  );

  app.delete(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'Remove a device: it is disconnected at once and its credentials stop working',
        params: DeviceIdParamsSchema,
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      app.services.removeDevice(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/devices/:id/rotate',
    {
      schema: {
        tags,
        summary: 'New credentials for a device, shown only this once; its current connection ends at once',
        params: DeviceIdParamsSchema,
        response: { 200: CredentialsSchema, 404: ErrorSchema },
      },
    },
    async (request) => devices.rotateSecret(request.params.id),
  );

  app.get(
    '/api/devices/:id/presence',
    {
      schema: {
        tags,
        summary: 'Presence timeline: every online/offline/stale change with its reason, newest first',
        params: DeviceIdParamsSchema,
        querystring: PresenceQuerySchema,
        response: { 200: Type.Array(PresenceEventSchema), 404: ErrorSchema },
      },
    },
    async (request) =>
      devices.presenceHistory(
        request.params.id,
        request.query.since ?? Date.now() - WEEK_MS,
        request.query.limit ?? 200,
      ),
  );
};
