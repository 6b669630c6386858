/**
 * `npm run hearth -- backup <file> [--force]` and `npm run hearth -- restore <file>`:
 * the storage commands of the admin CLI (server/cli.ts dispatches here).
 * Backup runs next to a running hub; restore refuses while one runs.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { BackupError, backupDatabase } from './db/backup.ts';
import { DataDirLockedError, lockPath } from './db/data-dir-lock.ts';
import { databasePath } from './db/database.ts';
import { RECOVERY_DOC } from './db/integrity.ts';
import { restoreDatabase } from './db/restore.ts';

export const STORAGE_USAGE = `  npm run hearth -- backup <file> [--force]
  npm run hearth -- restore <file>`;

export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (line?: string) => void;
  err: (line?: string) => void;
}

/** Bad input or a refusal: printed, exit code 1. */
class UsageError extends Error {}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function onePath(positionals: string[], command: string): string {
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError(`${command}: missing the file name`);
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument "${extra}"`);
  return file;
}

async function backup(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
  });
  const file = resolve(io.cwd, onePath(positionals, 'backup'));
  const config = loadConfig({ env: io.env, cwd: io.cwd, hostname: `${hostname()}.local` });
  const source = databasePath(config.dataDir);
  if (!existsSync(source)) {
    throw new UsageError(`there is no database at ${source} to back up (is HEARTH_DATA_DIR right?)`);
  }
  // Replacing the live database (or its side files) by rename would cut it off
  // from the running hub, which would go on writing to the unlinked file.
  const live = [source, `${source}-wal`, `${source}-shm`, lockPath(config.dataDir)];
  if (live.includes(file)) throw new UsageError(`${file} is the live database itself: choose another file`);
  io.out(`Backing up ${source} …`);
  // Read-only, from a worker: the CLI never writes the hub's database to back it up.
  const result = await backupDatabase(source, file, { force: values.force ?? false, verify: true });
  io.out(
    `Backed up to ${result.file}: ${megabytes(result.bytes)} in ${(result.ms / 1000).toFixed(1)} s ` +
      `(schema v${result.schemaVersion}, PRAGMA integrity_check ok).`,
  );
  io.out(`Restore it with: npm run hearth -- restore ${result.file}`);
}

async function restore(args: string[], io: CliIo): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const file = resolve(io.cwd, onePath(positionals, 'restore'));
  const config = loadConfig({ env: io.env, cwd: io.cwd, hostname: `${hostname()}.local` });
  io.out(`Checking ${file} …`);
  const result = await restoreDatabase(file, config.dataDir);
  io.out(`Restored ${file} (schema v${result.schemaVersion}, ${megabytes(result.bytes)}) as ${result.file}.`);
  if (result.keptAs) {
    io.out(`The database it replaced is kept as ${result.keptAs}; delete it once the hub runs well.`);
  }
  io.out('Start the hub now (npm start); it migrates an older schema by itself.');
}

/** Runs `backup` or `restore`; returns the exit code. */
export async function runStorageCommand(
  command: 'backup' | 'restore',
  args: string[],
  io: CliIo,
): Promise<number> {
  try {
    if (command === 'backup') await backup(args, io);
    else await restore(args, io);
    return 0;
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      io.err(`error: ${e.message}.`);
      io.err(
        'Stop the hub first (Ctrl-C, `systemctl stop hearth` or `docker compose stop`), then run restore again.',
      );
      return 1;
    }
    if (e instanceof UsageError || e instanceof BackupError || e instanceof ConfigError) {
      io.err(`error: ${e.message}`);
      if (e instanceof BackupError && command === 'restore')
        io.err(`Nothing was changed. See ${RECOVERY_DOC}.`);
      return 1;
    }
    // parseArgs, SQLite and the file system say what went wrong in their message.
    if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string') {
      io.err(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
