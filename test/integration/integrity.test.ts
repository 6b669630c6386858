/**
 * Start-up integrity and the data dir's lock: a damaged database or a file
 * that is not a database is refused with a clear message and left exactly as
 * it was; a second hub on the same data dir refuses to start.
 */
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../server/db/data-dir-lock.ts';
import { databasePath } from '../../server/db/database.ts';
import { DatabaseDamagedError } from '../../server/db/integrity.ts';
import { Children } from '../helpers/child-process.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, tempDir } from '../helpers/hub.ts';
import { damageReadingsPage, fileHash, fillReadings } from '../helpers/storage-fixtures.ts';

const cleanup = new Cleanup();
const children = new Children();
afterEach(async () => {
  await children.killAll();
  await cleanup.run();
});

function freshDir(): string {
  return cleanup.add(tempDir('hearth-integrity-'), (dir) => rmSync(dir, { recursive: true, force: true }));
}

/** A real hub-made database with one device and a few thousand readings, closed. */
async function realDatabase(): Promise<string> {
  const dir = freshDir();
  const t = await startTestHub({ dataDir: dir });
  await t.addDevice('Cellar', { id: 'cellar-1' });
  await t.close(true);
  fillReadings(databasePath(dir), 'cellar-1', 20_000, Date.now() - 30 * 86_400_000);
  return dir;
}

async function refusal(dataDir: string): Promise<Error> {
  const started = startTestHub({ dataDir });
  const err = await started.then(
    async (t) => {
      await t.close(true);
      return new Error('the hub started');
    },
    (e: unknown) => e as Error,
  );
  return err;
}

describe('start-up integrity check', () => {
  it('refuses a database with a damaged page, says what and how to restore, and leaves it untouched', async () => {
    const original = await realDatabase();
    // The damage is done to a copy: the original stays as the backup to restore.
    const dir = freshDir();
    const file = databasePath(dir);
    copyFileSync(databasePath(original), file);
    damageReadingsPage(file);
    const before = fileHash(file);

    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect(err.message).toContain('is damaged (PRAGMA quick_check failed)');
    expect(err.message).toContain(`file: ${file}`);
    expect(err.message).toContain('npm run hearth -- restore');
    expect(err.message).toMatch(/Tree \d+ page \d+|malformed|btreeInitPage/);
    expect(fileHash(file)).toBe(before);
    // Refused, and the lock was given back: the same dir starts once the file is good again.
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    copyFileSync(databasePath(original), file);
    const t = await startTestHub({ dataDir: dir });
    const devices = (await (await t.api('/api/devices')).json()) as { id: string }[];
    expect(devices.map((d) => d.id)).toEqual(['cellar-1']);
    await t.close(true);
  });

  it('refuses a file that is not a SQLite database at all, and leaves it untouched', async () => {
    const dir = freshDir();
    const file = databasePath(dir);
    writeFileSync(file, Buffer.from('these are not the bytes of a database, '.repeat(500)));
    const before = fileHash(file);
    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect(err.message).toContain('is not a SQLite database');
    expect(err.message).toContain(file);
    expect(fileHash(file)).toBe(before);
  });

  it('the hub process exits 1 with the message on stderr', { timeout: 90_000 }, async () => {
    const dir = freshDir();
    const file = databasePath(dir);
    writeFileSync(file, Buffer.alloc(64 * 1024, 0x42));
    const before = fileHash(file);
    const run = children.start('server/main.ts', [], {
      HEARTH_DATA_DIR: dir,
      HEARTH_HOST: '127.0.0.1',
      HEARTH_HTTP_PORT: '0',
      HEARTH_MQTT_PORT: '0',
      HEARTH_LOG_LEVEL: 'warn',
      HEARTH_OWNER_PASSWORD: 'correct horse battery staple',
    });
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('Hearth will not start: its database is not a SQLite database');
    expect(exit.stderr).toContain('npm run hearth -- restore');
    expect(fileHash(file)).toBe(before);
  });
});

describe('one hub per data dir', () => {
  it('refuses a second hub on the same data dir, naming the first; starts once it is gone', async () => {
    const dir = freshDir();
    const first = await startTestHub({ dataDir: dir });
    let firstOpen = true;
    cleanup.add(first, (t) => firstOpen && t.close(true));
    const err = await refusal(dir);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect(err.message).toContain(`a Hearth hub (pid ${process.pid}`);
    expect(err.message).toContain(join(dir, 'hearth.lock'));
    // The refused hub touched nothing: the first one still serves.
    expect((await first.api('/api/devices')).status).toBe(200);
    firstOpen = false;
    await first.close(true);
    const second = await startTestHub({ dataDir: dir });
    expect(existsSync(join(dir, 'hearth.lock'))).toBe(true);
    await second.close(true);
  });
});
