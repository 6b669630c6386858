/** `GET /api/health`: is the hub up, and what is it doing. Public. */
import { statSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '../../shared/api.ts';
import { databasePath } from '../db/database.ts';
import { HUB_VERSION } from '../version.ts';

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['hub'],
        summary: 'Liveness and a summary of the hub',
        response: { 200: HealthSchema },
      },
    },
    async () => {
      const { devices, writer, counters } = app.services;
      const db = databasePath(app.config.dataDir);
      return {
        status: 'ok' as const,
        version: HUB_VERSION,
        uptime_s: Math.round(process.uptime()),
        now: Date.now(),
        mqtt: { clients: app.broker.clients, devices_online: devices.connectedIds().length },
        db: { size_bytes: fileSize(db) + fileSize(`${db}-wal`), pending_writes: writer.pending },
        counters: counters.snapshot(),
      };
    },
  );
};
