/**
 * `POST /api/backup`: a consistent snapshot of the database as a download,
 * taken while the hub runs (the copy is made in a worker thread, see
 * db/backup.ts), written to a temporary file in the data dir, streamed, and
 * deleted. One backup at a time.
 */
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ErrorSchema } from '../../shared/api.ts';
import { backupDatabase, fileStamp, removeDatabaseFiles } from '../db/backup.ts';
import { HearthError } from '../domain/errors.ts';

export const backupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // In the data dir, not the system temp dir: same disk as the database, so
  // the copy has room wherever the database has, and no RAM-backed /tmp fills up.
  const dir = join(app.config.dataDir, 'backup-tmp');
  let busy = false;

  app.post(
    '/api/backup',
    {
      schema: {
        tags: ['storage'],
        summary: 'Download a consistent backup of the database (restore: npm run hearth -- restore <file>)',
        response: {
          200: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }),
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (busy) throw new HearthError('conflict', 'a backup is already running; try again when it is done');
      busy = true;
      const name = `hearth-backup-${fileStamp(Date.now())}.sqlite`;
      const file = join(dir, name);
      try {
        // Whatever is here was left by a hub that stopped mid-backup (only one runs per data dir).
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const result = await backupDatabase(app.storage.file, file);
        request.log.info({ bytes: result.bytes, ms: Math.round(result.ms) }, 'backup made');
        const stream = createReadStream(file);
        stream.once('close', () => {
          rmSync(file, { force: true });
          busy = false;
        });
        // A client that goes away mid-download must not keep the file (and the busy flag).
        reply.raw.once('close', () => stream.destroy());
        return reply
          .type('application/vnd.sqlite3')
          .header('content-length', result.bytes)
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          .send(stream);
      } catch (err) {
        removeDatabaseFiles(file);
        busy = false;
        throw err;
      }
    },
  );
};
