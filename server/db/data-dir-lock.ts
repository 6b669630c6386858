/**
 * One hub per data dir. Two hubs on one database would both run the broker's
 * persistence and the pruner against it, and a restore must never swap the
 * file under a running hub, so whoever owns the data dir holds
 * `<dataDir>/hearth.lock`.
 *
 * The lock is SQLite's own write lock on that small file, held in an open
 * transaction for as long as the owner runs. It is a kernel (fcntl) lock: it
 * goes away with the process, `kill -9` and power loss included, so a crash
 * never leaves a stale lock behind the way a bare pid file would (and a reused
 * pid can never be mistaken for a running hub). The owner's pid is committed
 * before the long-lived transaction starts, so a refused process can say who
 * holds it.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The lock file inside a data directory. */
export function lockPath(dataDir: string): string {
  return join(dataDir, 'hearth.lock');
}

export interface LockHolder {
  pid: number;
  host: string;
  /** What took the lock: `hub`, `restore`. */
  purpose: string;
  since: number;
}

/** The data dir is in use by another process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `${holder.purpose === 'hub' ? 'a Hearth hub' : `"hearth ${holder.purpose}"`} (pid ${holder.pid} on ${holder.host}, since ${new Date(holder.since).toISOString()})`
      : 'another Hearth process';
    super(`the data dir is in use by ${who}: it holds ${file}`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Gives the lock up; safe to call twice. */
  release(): void;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function readHolder(db: Database.Database): LockHolder | null {
  try {
    const row = db.prepare('SELECT pid, host, purpose, since FROM holder').get() as LockHolder | undefined;
    return row ?? null;
  } catch {
    // Caught between the holder's two transactions, or a lock file from elsewhere: no name to give.
    return null;
  }
}

/**
 * Takes the data dir's lock or throws DataDirLockedError at once (it never
 * waits: a second hub must refuse to start, not queue behind the first).
 */
export function acquireDataDirLock(dataDir: string, purpose = 'hub'): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 0');
    // A rollback journal, not WAL: a writer's RESERVED lock shuts other
    // writers out while still letting them read who the holder is.
    db.pragma('journal_mode = DELETE');
    db.exec(
      'CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, purpose TEXT NOT NULL, since INTEGER NOT NULL)',
    );
    db.exec('BEGIN IMMEDIATE');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, purpose, since) VALUES (?, ?, ?, ?)').run(
      process.pid,
      hostname(),
      purpose,
      Date.now(),
    );
    db.exec('COMMIT');
    // Held from here until release or exit. Between the COMMIT and this BEGIN
    // another process may win the lock; then this one refuses, as it should.
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    const locked = isBusy(err) ? new DataDirLockedError(file, readHolder(db)) : null;
    db.close();
    if (locked) throw locked;
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
      // It holds no data: only the lock on it matters, and nobody holds that.
      throw new Error(
        `${file} is damaged (${(err as Error).message}); no hub runs on it, so delete it and start again`,
      );
    }
    throw err;
  }
  let held = true;
  return {
    file,
    release() {
      if (!held) return;
      held = false;
      // Closing ends the open transaction and with it the lock.
      db.close();
    },
  };
}
