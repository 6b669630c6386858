/**
 * Is a database file intact? Checked before the hub opens its database for
 * writing, before a restore, and on every backup copy. A damaged file is
 * reported, never repaired or migrated in place: it is the user's data, and
 * what they need from us is a clear refusal and the way back (a backup).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './database.ts';

/** Where the recovery procedure is written down (named in every refusal). */
export const RECOVERY_DOC = 'docs/operations.md, "Backup and restore"';

export interface IntegrityReport {
  ok: boolean;
  /** What SQLite found, one problem a line; empty when ok. */
  problems: string[];
  /** The file is not a SQLite database at all. */
  notADatabase: boolean;
}

/** SQLite's way of saying the bytes on disk are wrong (rather than the file being unreadable). */
export function isDamageError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * Runs `PRAGMA quick_check` (structure: O(pages)) or `integrity_check` (also
 * every index against its table) on an open connection.
 */
export function checkOpenDatabase(db: Db, mode: 'quick' | 'full'): IntegrityReport {
  try {
    const rows = db.pragma(mode === 'quick' ? 'quick_check' : 'integrity_check', { simple: false }) as Record<
      string,
      string
    >[];
    const problems = rows
      .flatMap((row) => Object.values(row).flatMap((v) => String(v).split('\n')))
      .filter((line) => line !== 'ok' && line !== '' && !line.startsWith('*** in database'));
    return { ok: problems.length === 0, problems, notADatabase: false };
  } catch (err) {
    if (!isDamageError(err)) throw err;
    const notADatabase = (err as { code?: unknown }).code === 'SQLITE_NOTADB';
    return { ok: false, problems: [(err as Error).message], notADatabase };
  }
}

/**
 * Checks a database file through a read-only connection, which can read a
 * WAL left by a crash but never writes the database file (a read-write
 * connection would checkpoint that WAL into it on close). It may create the
 * `-wal`/`-shm` side files.
 */
export function checkDatabaseFile(file: string, mode: 'quick' | 'full' = 'quick'): IntegrityReport {
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    if (!isDamageError(err)) throw err;
    return { ok: false, problems: [(err as Error).message], notADatabase: true };
  }
  try {
    return checkOpenDatabase(db, mode);
  } finally {
    db.close();
  }
}

const SHOWN_PROBLEMS = 8;

/** The hub's database failed its start-up check. The message says what, where and what to do. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly report: IntegrityReport,
  ) {
    const found = report.problems.slice(0, SHOWN_PROBLEMS).map((p) => `    ${p}`);
    const more = report.problems.length - SHOWN_PROBLEMS;
    if (more > 0) found.push(`    … and ${more} more`);
    const what = report.notADatabase ? 'is not a SQLite database' : 'is damaged (PRAGMA quick_check failed)';
    super(
      [
        `Hearth will not start: its database ${what}.`,
        `  file: ${file}`,
        '  SQLite says:',
        ...found,
        'Hearth has not modified the file. To recover:',
        `  1. Keep a copy of ${file} (and of its -wal file, if there is one).`,
        '  2. Restore your latest backup: npm run hearth -- restore <backup.sqlite>',
        '     (it keeps the damaged file next to the restored one).',
        '  3. Without a backup, the sqlite3 shell can salvage what is still readable:',
        `     sqlite3 ${file} .recover | sqlite3 recovered.sqlite`,
        '     then: npm run hearth -- restore recovered.sqlite',
        `  See ${RECOVERY_DOC}.`,
      ].join('\n'),
    );
    this.name = 'DatabaseDamagedError';
  }
}

/** Throws DatabaseDamagedError unless `file` is missing (a first start) or passes `quick_check`. */
export function assertDatabaseIntact(file: string): void {
  if (!existsSync(file)) return;
  const report = checkDatabaseFile(file, 'quick');
  if (!report.ok) throw new DatabaseDamagedError(file, report);
}
