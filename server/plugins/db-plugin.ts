/**
 * Takes the data dir's lock (one hub per data dir), checks the database is
 * intact before anything writes to it, opens it (migrated), checkpoints its
 * WAL from a worker thread, prunes expired readings in the background, and
 * closes it last.
 */
import fp from 'fastify-plugin';
import { Checkpointer } from '../db/checkpointer.ts';
import { acquireDataDirLock } from '../db/data-dir-lock.ts';
import { type Db, databasePath, openDatabase } from '../db/database.ts';
import { assertDatabaseIntact } from '../db/integrity.ts';
import { Pruner } from '../db/pruner.ts';
import { createRetentionRepo } from '../db/retention-repo.ts';
import { createStorageStats } from '../db/storage-stats.ts';
import './types.ts';

export const dbPlugin = fp(
  async (app) => {
    const { config } = app;
    const file = databasePath(config.dataDir);
    // Throws DataDirLockedError while another hub (or a restore) runs on this data dir.
    const lock = acquireDataDirLock(config.dataDir);
    let db: Db;
    try {
      // Before the first write: a damaged file is reported and left as it is (DatabaseDamagedError).
      assertDatabaseIntact(file);
      db = openDatabase(file, { synchronous: config.dbSynchronous });
    } catch (err) {
      lock.release();
      throw err;
    }
    const retention = createRetentionRepo(db);
    const checkpointer = new Checkpointer(db, file, config.checkpointIntervalMs, app.log);
    const pruner = new Pruner(
      db,
      retention,
      {
        raw_days: config.retentionRawDays,
        minute_days: config.retentionMinuteDays,
        hour_days: config.retentionHourDays,
      },
      Date.now,
      app.log,
    );
    checkpointer.start();
    pruner.start(config.pruneIntervalS * 1000);
    app.decorate('db', db);
    app.decorate('storage', { file, retention, pruner, checkpointer, stats: createStorageStats(db, file) });
    // Registered first, so it runs last: after the services wrote what they queued.
    app.addHook('onClose', async () => {
      await pruner.stop();
      await checkpointer.stop();
      db.close();
      lock.release();
    });
  },
  { name: 'hearth-db' },
);
