/** Opens the SQLite database (migrated) and closes it last. */
import fp from 'fastify-plugin';
import { databasePath, openDatabase } from '../db/database.ts';
import './types.ts';

export const dbPlugin = fp(
  async (app) => {
    const db = openDatabase(databasePath(app.config.dataDir), {
      synchronous: app.config.dbSynchronous,
    });
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.close();
    });
  },
  { name: 'hearth-db' },
);
