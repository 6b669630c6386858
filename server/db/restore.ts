/**
 * Restore: puts a backup in place of the data dir's database, while no hub
 * runs there (the data dir's lock is held throughout, so none can start
 * meanwhile). The backup is checked first (a SQLite database, intact, with a
 * Hearth schema this Hearth can run: older is fine, it is migrated at the next
 * start; newer is refused). The database it replaces is kept, with its -wal,
 * as `hearth.sqlite.before-restore-<time>`: a restore never destroys anything.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, copyDatabaseFile, fileStamp, fsyncPath, removeDatabaseFiles } from './backup.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { type Db, databasePath, loadMigrations } from './database.ts';
import { checkOpenDatabase, isDamageError } from './integrity.ts';

export interface RestoreResult {
  /** The database now in place. */
  file: string;
  /** Where the database it replaced went, or null when there was none. */
  keptAs: string | null;
  schemaVersion: number;
  bytes: number;
}

/**
 * Checks that `file` can be restored by this Hearth; returns its schema
 * version. (The copy that is put in place gets the full integrity_check.)
 */
export function checkRestorable(db: Db, file: string): number {
  const report = checkOpenDatabase(db, 'quick');
  if (!report.ok) {
    const what = report.notADatabase ? 'is not a SQLite database' : 'is damaged';
    throw new BackupError(`${file} ${what}:\n  ${report.problems.slice(0, 8).join('\n  ')}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  const latest = loadMigrations().at(-1)?.version ?? 0;
  const hasDevices = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'devices'")
    .get();
  if (version === 0 || !hasDevices) throw new BackupError(`${file} is a SQLite database, but not Hearth's`);
  if (version > latest) {
    throw new BackupError(
      `${file} holds schema v${version}, newer than this Hearth (v${latest}): upgrade Hearth, then restore`,
    );
  }
  return version;
}

/** Replaces the database of `dataDir` with the backup `backupFile`. */
export async function restoreDatabase(
  backupFile: string,
  dataDir: string,
  clock: () => number = Date.now,
): Promise<RestoreResult> {
  const source = resolve(backupFile);
  const target = databasePath(resolve(dataDir));
  if (!existsSync(source)) throw new BackupError(`${source} does not exist`);
  if (source === target) throw new BackupError(`${source} is the database itself`);
  // Refuses (DataDirLockedError) while a hub runs on the data dir.
  const lock = acquireDataDirLock(dataDir, 'restore');
  const tmp = `${target}.restore-partial`;
  try {
    let src: Db;
    try {
      src = new Database(source, { readonly: true, fileMustExist: true });
    } catch (err) {
      if (isDamageError(err)) throw new BackupError(`${source} is not a SQLite database`);
      throw err;
    }
    let schemaVersion: number;
    try {
      schemaVersion = checkRestorable(src, source);
    } finally {
      src.close();
    }
    removeDatabaseFiles(tmp);
    // Through SQLite rather than a file copy: a backup that still has a -wal
    // beside it (a copied live database) comes over whole.
    const copied = await copyDatabaseFile(source, tmp, true);
    if (copied.problems.length > 0)
      throw new BackupError(`the copy of ${source} is damaged: ${copied.problems[0]}`);

    let keptAs: string | null = null;
    if (existsSync(target)) {
      keptAs = `${target}.before-restore-${fileStamp(clock())}`;
      renameSync(target, keptAs);
      // The -wal belongs to the old file (it may hold its last commits) and
      // must not meet the new one: SQLite would replay it into the restored
      // database. It moves with the old file; the -shm is rebuilt from it.
      if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${keptAs}-wal`);
    }
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    renameSync(tmp, target);
    await fsyncPath(dirname(target));
    return { file: target, keptAs, schemaVersion, bytes: statSync(target).size };
  } catch (err) {
    removeDatabaseFiles(tmp);
    throw err;
  } finally {
    lock.release();
  }
}
