/**
 * Seeing inside the hub over HTTP: `GET /api/stats` (the health page's
 * charts, shared/stats.ts) and `GET /metrics` (Prometheus text format). Both
 * need credentials: /api/stats through the auth plugin like every /api route,
 * /metrics through the same check here (it lives outside /api, where
 * Prometheus expects it). Prometheus sends an API token as
 * `authorization: { credentials: <token> }`; for scraping without one, the
 * separate `metricsPort` listener exists (docs/operations.md).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ErrorSchema } from '../../shared/api.ts';
import { StatsSchema } from '../../shared/stats.ts';
import { principalFrom } from '../plugins/auth-plugin.ts';

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats',
    {
      schema: {
        tags: ['hub'],
        summary: 'The last hour of the hub’s vital signs, sampled every interval_ms, and the MQTT probe',
        response: { 200: StatsSchema },
      },
    },
    async () => app.metrics.stats(),
  );

  app.get(
    '/metrics',
    {
      schema: {
        // Not part of the JSON API (docs/operations.md documents it); Prometheus' own format.
        hide: true,
        tags: ['hub'],
        summary: 'Prometheus metrics (text exposition format); needs a session or an API token',
        response: { 200: Type.String({ description: 'text/plain; version=0.0.4' }), 401: ErrorSchema },
      },
      onRequest: async (request, reply) => {
        request.principal = await principalFrom(
          app.services.auth,
          request.cookies,
          request.headers.authorization,
        );
        if (request.principal) return;
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="hearth"')
          .send({ error: 'unauthorized', message: 'send an API token as "Authorization: Bearer <token>"' });
      },
    },
    async (_request, reply) => {
      const text = await app.metrics.prometheus.render();
      return reply.type(app.metrics.prometheus.contentType).send(text);
    },
  );
};
