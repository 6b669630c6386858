/**
 * The aedes-persistence 11 conformance suite (`aedes-persistence/abstract`, CommonJS,
 * written for node:test's `t.plan`) against Hearth's SQLite persistence. Each test
 * gets a fresh, migrated database file in a temp dir, removed when the suite's
 * cleanup destroys the persistence. Run: `node --import tsx --test test/persistence/`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../server/db/database.ts';
import { SqlitePersistence } from '../../server/mqtt/sqlite-persistence.ts';

const abstractPersistence = createRequire(import.meta.url)('aedes-persistence/abstract');

/** Owns its temp database: the hub closes its own database, a test has to close this one. */
class TestPersistence extends SqlitePersistence {
  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-persistence-'));
    const db = openDatabase(join(dir, 'hearth.sqlite'));
    super(db);
    this.dispose = () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }

  async destroy() {
    await super.destroy();
    this.dispose();
  }
}

abstractPersistence({
  test,
  persistence: () => new TestPersistence(),
  // promise-based persistence: the suite calls `setup(broker)` itself
  testAsync: true,
});
