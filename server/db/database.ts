/**
 * Opens the hub's SQLite database: WAL mode, foreign keys on, versioned
 * migrations applied at start-up inside one transaction each.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The numbered `NNN-name.sql` files, in order. Versions must run 1, 2, 3 …
 * without gaps or repeats: `user_version` records only the last one applied,
 * so a migration slotted in below it would silently never run.
 */
export function loadMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration ${m.version}-${m.name}: expected version ${i + 1} (no gaps, no repeats)`);
    }
  });
  return migrations;
}

export class DatabaseTooNewError extends Error {}

/**
 * Applies every migration newer than `PRAGMA user_version`. Each runs in its
 * own transaction together with the version bump, so a crash mid-way leaves
 * the database at the previous version, intact.
 */
export function migrate(db: Db, migrations = loadMigrations()): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DatabaseTooNewError(
      `database schema v${current} is newer than this Hearth (v${latest}); upgrade Hearth instead of downgrading`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    // IMMEDIATE takes the write lock first, and the version is read again under
    // it: a CLI and the hub opening a new database together migrate it once.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export interface OpenOptions {
  synchronous?: 'NORMAL' | 'FULL';
  readonly?: boolean;
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** The database file inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'hearth.sqlite');
}
