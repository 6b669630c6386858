/** `GET /api/health`: is the hub up, and what is it doing. Public. */
import { statSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '../../shared/api.ts';
import { databasePath } from '../db/database.ts';
import { endpointsFor } from '../endpoints.ts';
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
      config: { public: true },
      schema: {
        tags: ['hub'],
        summary: 'Liveness and a summary of the hub (public)',
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
        mqtt: {
          clients: app.broker.clients,
          devices_online: devices.connectedIds().length,
          url: endpointsFor(app.config, {
            http: app.server.address(),
            mqtt: app.broker.port,
            mqttTls: app.broker.tlsPort,
          }).mqttUrl,
        },
        tls: { enabled: app.tls !== null, fingerprint_sha256: app.tls?.fingerprint256 ?? null },
        db: { size_bytes: fileSize(db) + fileSize(`${db}-wal`), pending_writes: writer.pending },
        counters: counters.snapshot(),
      };
    },
  );
};
