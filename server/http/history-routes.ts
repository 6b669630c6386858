/** `GET /api/devices/:id/history`: a metric over a range, never more points than asked. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DeviceIdParamsSchema, ErrorSchema, HistoryQuerySchema, HistorySchema } from '../../shared/api.ts';

export const historyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/devices/:id/history',
    {
      schema: {
        tags: ['history'],
        summary: 'Readings of one metric in [from, to), in at most `points` points',
        params: DeviceIdParamsSchema,
        querystring: HistoryQuerySchema,
        response: { 200: HistorySchema, 400: ErrorSchema, 404: ErrorSchema },
      },
      // Six columns of plain numbers: JSON.stringify writes them faster than a
      // schema-driven serializer (the schema still documents the answer).
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => app.services.telemetry.history(request.params.id, request.query),
  );
};
