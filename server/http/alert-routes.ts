/** Alerts: the list (active, cleared or all, newest first), one alert, acknowledge. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import Type, { type TSchema } from 'typebox';
import {
  AckAlertBodySchema,
  AlertIdParamsSchema,
  AlertListQuerySchema,
  AlertSchema,
} from '../../shared/alerts.ts';
import { ErrorSchema } from '../../shared/api.ts';
import { validatorCompiler } from '../plugins/validation.ts';

const tags = ['alerts'];

/** The acknowledgement's body is optional: a bare POST counts as `{}`. */
const optionalBody: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = validatorCompiler(route);
  return route.httpPart === 'body' ? (data: unknown) => validate(data ?? {}) : validate;
};

export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { alerts } = app.services;

  app.get(
    '/api/alerts',
    {
      schema: {
        tags,
        summary: 'Alerts, newest first',
        querystring: AlertListQuerySchema,
        response: { 200: Type.Array(AlertSchema) },
      },
    },
    async (request) => alerts.list(request.query),
  );

  app.get(
    '/api/alerts/:id',
    {
      schema: {
        tags,
        summary: 'One alert',
        params: AlertIdParamsSchema,
        response: { 200: AlertSchema, 404: ErrorSchema },
      },
    },
    async (request) => alerts.get(request.params.id),
  );

  app.post(
    '/api/alerts/:id/ack',
    {
      validatorCompiler: optionalBody,
      schema: {
        tags,
        summary: 'Acknowledge an alert (it stays active until its rule clears it)',
        params: AlertIdParamsSchema,
        body: AckAlertBodySchema,
        response: { 200: AlertSchema, 404: ErrorSchema },
      },
    },
    // Without a name in the body, the acknowledgement is the logged-in user's.
    async (request) => alerts.ack(request.params.id, request.body.by ?? request.principal?.name ?? null),
  );
};
