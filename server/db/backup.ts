/**
 * Online backup through SQLite's backup API, run in a worker thread with its
 * own read-only connection. The copy is made in one backup step, inside one
 * read transaction: a consistent snapshot that the hub's writes cannot
 * restart, and that in WAL mode never blocks them. Nothing of it runs on the
 * event loop that serves the broker: copying the pages, and above all the
 * fsync of a copy as big as the database (seconds on an SD card), happen in
 * the worker.
 *
 * The copy is written next to its destination under a temporary name, turned
 * into a self-contained file (rollback journal, no -wal beside it), synced,
 * and only then renamed into place: a failed or interrupted backup never
 * leaves a half-written file under the name the user asked for.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

// Plain CommonJS evaluated in the worker: no TypeScript loader needed there.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const ALL_PAGES = 0x7fffffff;
async function run() {
  const src = new Database(workerData.source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    // One step: every page inside one read transaction.
    await src.backup(workerData.tmp, { progress: () => ALL_PAGES });
  } finally {
    src.close();
  }
  const copy = new Database(workerData.tmp);
  const problems = [];
  let schemaVersion;
  try {
    // The copy's header still says WAL, like its source: a backup is one file.
    copy.pragma('journal_mode = DELETE');
    if (workerData.verify) {
      try {
        for (const row of copy.pragma('integrity_check')) {
          for (const v of Object.values(row)) for (const line of String(v).split('\\n')) if (line !== 'ok') problems.push(line);
        }
      } catch (err) {
        problems.push(String(err && err.message || err));
      }
    }
    schemaVersion = copy.pragma('user_version', { simple: true });
  } finally {
    copy.close();
  }
  const fd = fs.openSync(workerData.tmp, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  return { problems, schemaVersion };
}
run().then(
  (result) => parentPort.postMessage({ ok: true, ...result }),
  (err) => parentPort.postMessage({ ok: false, message: String(err && err.message || err), code: err && err.code }),
);
`;

/** A backup that cannot be made as asked (exists already, no such directory, damaged source). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface CopyResult {
  /** What `PRAGMA integrity_check` found on the copy (empty when ok, or when not asked). */
  problems: string[];
  /** `PRAGMA user_version` of the copy: the Hearth schema it holds. */
  schemaVersion: number;
}

type WorkerReply = ({ ok: true } & CopyResult) | { ok: false; message: string; code: string | undefined };

/**
 * Copies the database file `source` (and what its -wal holds) into the new
 * file `target` through the backup API, in a worker thread; the copy is a
 * rollback-journal database, fsynced. `verify` runs `integrity_check` on it.
 */
export function copyDatabaseFile(source: string, target: string, verify: boolean): Promise<CopyResult> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, source, tmp: target, verify } });
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolvePromise({ problems: reply.problems, schemaVersion: reply.schemaVersion });
      else reject(Object.assign(new Error(reply.message), { code: reply.code }));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the backup worker exited (code ${code}) before it was done`));
    });
  });
}

export interface BackupOptions {
  /** Replace an existing file at the destination. */
  force?: boolean;
  /** Run `PRAGMA integrity_check` on the copy before it gets its name. */
  verify?: boolean;
}

export interface BackupResult extends CopyResult {
  file: string;
  bytes: number;
  ms: number;
}

/** Removes a database file and the side files SQLite may have made for it. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** fsync a file or a directory (a rename is durable once its directory is synced). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `20261125T213626Z`: sortable, and safe in a file name on every system. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/**
 * Backs the database file `source` up into the new file `destination`, while
 * whoever owns it keeps writing. Throws BackupError when the destination
 * exists (unless `force`), its directory does not, or `verify` finds the copy
 * damaged (then no file is left).
 */
export async function backupDatabase(
  source: string,
  destination: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const file = resolve(destination);
  const dir = dirname(file);
  if (!existsSync(dir)) throw new BackupError(`the directory ${dir} does not exist`);
  if (existsSync(file) && !options.force) {
    throw new BackupError(`${file} already exists; choose another name, or add --force to replace it`);
  }
  const tmp = join(dir, `.${basename(file)}.partial-${process.pid}-${Date.now()}`);
  const started = performance.now();
  let copied: CopyResult;
  try {
    copied = await copyDatabaseFile(source, tmp, options.verify ?? false);
    if (copied.problems.length > 0) {
      throw new BackupError(
        `the copy failed PRAGMA integrity_check, so the database itself is damaged; no backup was written:\n  ${copied.problems.slice(0, 8).join('\n  ')}`,
      );
    }
    await rename(tmp, file);
    await fsyncPath(dir);
  } catch (err) {
    removeDatabaseFiles(tmp);
    throw err;
  }
  return { ...copied, file, bytes: statSync(file).size, ms: performance.now() - started };
}
