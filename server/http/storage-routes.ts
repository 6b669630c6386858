/** Storage: database size and growth, and retention per device and metric. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  DeviceIdParamsSchema,
  EffectiveRetentionSchema,
  ErrorSchema,
  RetentionBodySchema,
  StorageSchema,
} from '../../shared/api.ts';
import { HearthError } from '../domain/errors.ts';

const tags = ['storage'];

export const storageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const { retention, pruner, stats } = app.storage;

  app.get(
    '/api/storage',
    {
      schema: {
        tags,
        summary: 'Database size, rows per tier, and the projected size in 30 days and a year',
        response: { 200: StorageSchema },
      },
    },
    async () =>
      stats.read(Date.now(), {
        raw_days: config.retentionRawDays,
        minute_days: config.retentionMinuteDays,
        hour_days: config.retentionHourDays,
      }),
  );

  const effective = (id: string) => {
    const device = app.services.devices.get(id);
    const metrics = new Set([
      ...Object.keys(device.latest),
      ...(device.description?.metrics.map((m) => m.name) ?? []),
    ]);
    const overrides = retention.ofDevice(id);
    return {
      defaults: {
        raw_days: config.retentionRawDays,
        minute_days: config.retentionMinuteDays,
        hour_days: config.retentionHourDays,
      },
      overrides,
      effective: Object.fromEntries([...metrics].sort().map((m) => [m, pruner.daysFor(id, m)])),
    };
  };

  app.get(
    '/api/devices/:id/retention',
    {
      schema: {
        tags,
        summary: "How long each of the device's metrics is kept, per tier",
        params: DeviceIdParamsSchema,
        response: { 200: EffectiveRetentionSchema, 404: ErrorSchema },
      },
    },
    async (request) => effective(request.params.id),
  );

  app.put(
    '/api/devices/:id/retention',
    {
      schema: {
        tags,
        summary: 'Set how long a device (metric `*`) or one of its metrics is kept',
        params: DeviceIdParamsSchema,
        body: RetentionBodySchema,
        response: { 200: EffectiveRetentionSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      app.services.devices.get(id);
      const { metric = '*', raw_days = null, minute_days = null, hour_days = null } = request.body;
      retention.put({ device_id: id, metric, raw_days, minute_days, hour_days });
      return effective(id);
    },
  );

  app.delete(
    '/api/devices/:id/retention',
    {
      schema: {
        tags,
        summary: 'Remove a retention override (back to the default)',
        params: DeviceIdParamsSchema,
        querystring: Type.Object(
          { metric: Type.Optional(Type.String({ default: '*' })) },
          { additionalProperties: false },
        ),
        response: { 200: EffectiveRetentionSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      app.services.devices.get(id);
      if (!retention.remove(id, request.query.metric ?? '*')) {
        throw new HearthError('not_found', `no retention override for "${request.query.metric ?? '*'}"`);
      }
      return effective(id);
    },
  );
};
