/** MQTT integration accounts for Node-RED, Home Assistant and scripts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ErrorSchema } from '../../shared/api.ts';
import {
  CreatedIntegrationSchema,
  CreateIntegrationBodySchema,
  IntegrationSchema,
  UpdateIntegrationBodySchema,
} from '../../shared/auth.ts';

const tags = ['integrations'];
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const integrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { integrations } = app.services;

  app.get(
    '/api/integrations',
    {
      schema: {
        tags,
        summary: 'MQTT integration accounts',
        response: { 200: Type.Array(IntegrationSchema) },
      },
    },
    async () => integrations.list(),
  );

  app.post(
    '/api/integrations',
    {
      schema: {
        tags,
        summary: 'Create an MQTT account with topic patterns; the password is shown only this once',
        body: CreateIntegrationBodySchema,
        response: { 201: CreatedIntegrationSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await integrations.create(request.body)),
  );

  app.patch(
    '/api/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Change patterns or access; connected clients of the account are disconnected',
        params: Params,
        body: UpdateIntegrationBodySchema,
        response: { 200: IntegrationSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => integrations.update(request.params.id, request.body),
  );

  app.post(
    '/api/integrations/:id/rotate',
    {
      schema: {
        tags,
        summary: 'New password; the old one stops working at once',
        params: Params,
        response: { 200: CreatedIntegrationSchema, 404: ErrorSchema },
      },
    },
    async (request) => integrations.rotate(request.params.id),
  );

  app.delete(
    '/api/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Remove an account',
        params: Params,
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      integrations.remove(request.params.id);
      return reply.status(204).send(null);
    },
  );
};
