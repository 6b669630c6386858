/**
 * Online backup and restore: `POST /api/backup` while devices publish, and
 * the CLI's `backup` / `restore` as real processes next to (and without) a
 * running hub.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../server/db/database.ts';
import type { DeviceDto } from '../../shared/api.ts';
import { Children } from '../helpers/child-process.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { fileHash, fillCommandLog, fillReadings } from '../helpers/storage-fixtures.ts';
import { TelemetryPublisher } from '../helpers/telemetry-publisher.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup = new Cleanup();
const children = new Children();
afterEach(async () => {
  await children.killAll();
  await cleanup.run();
});

function freshDir(prefix = 'hearth-backup-'): string {
  return cleanup.add(tempDir(prefix), (dir) => rmSync(dir, { recursive: true, force: true }));
}

/** Opens a database file read-only and reads what the tests check. */
function inspect(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = (metric: string) =>
      (
        db
          .prepare(
            'SELECT count(*) AS n FROM readings r JOIN series s ON s.id = r.series_id WHERE s.metric = ?',
          )
          .get(metric) as { n: number }
      ).n;
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      devices: (db.prepare('SELECT id FROM devices ORDER BY id').all() as { id: string }[]).map((r) => r.id),
      filler: count('filler'),
      temperatures: new Map(
        (
          db
            .prepare(
              "SELECT r.ts, r.value FROM readings r JOIN series s ON s.id = r.series_id WHERE s.metric = 'temperature'",
            )
            .all() as { ts: number; value: number }[]
        ).map((r) => [r.ts, r.value]),
      ),
    };
  } finally {
    db.close();
  }
}

/** A hub on `dir` with device `sensor-1`, its database made big enough to take a while to copy. */
async function bigHub(dir: string): Promise<{ t: TestHub; password: string }> {
  const first = await startTestHub({ dataDir: dir });
  const { credentials } = await first.addDevice('Sensor', { id: 'sensor-1' });
  await first.close(true);
  fillReadings(databasePath(dir), 'sensor-1', 50_000, Date.now() - 10 * 86_400_000);
  fillCommandLog(databasePath(dir), 'sensor-1', 2500, 10_000);
  const t = cleanup.add(await startTestHub({ dataDir: dir }), (hub) => hub.close(true));
  return { t, password: credentials.password };
}

describe('POST /api/backup', () => {
  it('streams a consistent snapshot while devices publish; one at a time', { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const { t, password } = await bigHub(dir);
    const raw = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions('sensor-1', password)), (c) => c.end());
    const publisher = cleanup.add(
      new TelemetryPublisher(raw.client, 'sensor-1', Date.now() - 3_600_000, 4),
      (p) => p.stop(),
    );
    await waitFor(() => publisher.acked.length >= 50, { what: 'readings acknowledged', timeoutMs: 15_000 });
    const ackedBefore = publisher.acked.slice();

    expect((await t.api('/api/backup', { method: 'POST', auth: false })).status).toBe(401);
    const first = await t.api('/api/backup', { method: 'POST' });
    expect(first.status).toBe(200);
    // The first download is not read yet (larger than the socket buffers), so it is still running.
    const second = await t.api('/api/backup', { method: 'POST' });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toBe('conflict');

    expect(first.headers.get('content-type')).toBe('application/vnd.sqlite3');
    expect(first.headers.get('content-disposition')).toMatch(
      /^attachment; filename="hearth-backup-\d{8}T\d{6}Z\.sqlite"$/,
    );
    const body = Buffer.from(await first.arrayBuffer());
    expect(body.length).toBe(Number(first.headers.get('content-length')));
    expect(body.length).toBeGreaterThan(20_000_000);
    const copy = join(freshDir(), 'download.sqlite');
    writeFileSync(copy, body);
    await publisher.stop();

    const got = inspect(copy);
    expect(got.integrity).toBe('ok');
    expect(got.journalMode).toBe('delete');
    expect(got.devices).toEqual(['sensor-1']);
    expect(got.filler).toBe(50_000);
    // Everything acknowledged before the request is in the snapshot.
    const missing = ackedBefore.filter((r) => got.temperatures.get(r.ts) !== r.value);
    expect(missing).toEqual([]);
    // The temporary copy is gone once streamed, and the next backup may run.
    await waitFor(() => readdirSync(join(dir, 'backup-tmp')).length === 0, {
      what: 'the temporary copy removed',
    });
    const third = await t.api('/api/backup', { method: 'POST' });
    expect(third.status).toBe(200);
    await third.arrayBuffer();
  });
});

describe('npm run hearth -- backup / restore', () => {
  /** `npm run hearth -- …args` on `dataDir`. */
  const hearth = (dataDir: string, ...args: string[]) =>
    children.start('server/cli.ts', args, { HEARTH_DATA_DIR: dataDir }).exited;

  it('backs up next to a running hub, refuses to restore under it, restores without it', {
    timeout: 180_000,
  }, async () => {
    const dir = freshDir();
    const out = freshDir('hearth-backup-out-');
    const file = join(out, 'nightly.sqlite');
    let t = await startTestHub({ dataDir: dir });
    let open = true;
    cleanup.add(null, () => open && t.close(true));
    const { credentials } = await t.addDevice('Kitchen', { id: 'kitchen-1' });
    const raw = await connectRaw(t.mqttUrl, deviceOptions('kitchen-1', credentials.password));
    const publisher = new TelemetryPublisher(raw.client, 'kitchen-1', Date.now() - 3_600_000, 2);
    await waitFor(() => publisher.acked.length >= 100, { what: 'readings acknowledged', timeoutMs: 15_000 });
    const ackedBefore = publisher.acked.slice();

    // Backed up while readings keep arriving.
    const made = await hearth(dir, 'backup', file);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(
      /Backed up to .*nightly\.sqlite: \d+\.\d MB in \d+\.\d s \(schema v\d+, PRAGMA integrity_check ok\)/,
    );
    await publisher.stop();
    await raw.end();
    const backedUp = inspect(file);
    expect(backedUp.integrity).toBe('ok');
    expect(backedUp.journalMode).toBe('delete');
    expect(ackedBefore.filter((r) => backedUp.temperatures.get(r.ts) !== r.value)).toEqual([]);
    // A backup is one file: nothing beside it.
    expect(readdirSync(out).sort()).toEqual(['nightly.sqlite']);

    // Changed after the backup: the restore must take this back.
    await t.addDevice('Garage', { id: 'garage-1' });
    const hash = fileHash(file);
    const garbage = join(out, 'garbage.sqlite');
    writeFileSync(garbage, Buffer.alloc(8192, 0x37));
    const [again, forced, underHub, selfOverwrite] = await Promise.all([
      hearth(dir, 'backup', file),
      hearth(dir, 'backup', join(out, 'second.sqlite'), '--force'),
      hearth(dir, 'restore', file),
      hearth(dir, 'backup', databasePath(dir), '--force'),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(fileHash(file)).toBe(hash);
    expect(forced.code).toBe(0);
    expect(underHub.code).toBe(1);
    expect(underHub.stderr).toContain(`in use by a Hearth hub (pid ${process.pid}`);
    expect(underHub.stderr).toContain('Stop the hub first');
    expect(selfOverwrite.code).toBe(1);
    expect(selfOverwrite.stderr).toContain('the live database itself');
    expect((await t.api('/api/devices/garage-1')).status).toBe(200);

    open = false;
    await t.close(true);
    const [refusedGarbage, restored] = [
      await hearth(dir, 'restore', garbage),
      await hearth(dir, 'restore', file),
    ];
    expect(refusedGarbage.code).toBe(1);
    expect(refusedGarbage.stderr).toContain('is not a SQLite database');
    expect(refusedGarbage.stderr).toContain('Nothing was changed');
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('Restored');
    const kept = readdirSync(dir).find((f) => /^hearth\.sqlite\.before-restore-\d{8}T\d{6}Z$/.test(f));
    expect(kept, readdirSync(dir).join(', ')).toBeDefined();
    expect(existsSync(join(dir, 'hearth.sqlite-wal'))).toBe(false);
    // The replaced database is whole, the device added after the backup included.
    expect(inspect(join(dir, kept as string)).devices).toEqual(['garage-1', 'kitchen-1']);

    t = await startTestHub({ dataDir: dir });
    open = true;
    const devices = (await (await t.api('/api/devices')).json()) as DeviceDto[];
    expect(devices.map((d) => d.id)).toEqual(['kitchen-1']);
    const from = ackedBefore[0]?.ts ?? 0;
    const history = (await (
      await t.api(`/api/devices/kitchen-1/history?metric=temperature&from=${from}&to=${from + 3_600_000}`)
    ).json()) as { count: number[] };
    expect(history.count.reduce((a, c) => a + c, 0)).toBeGreaterThanOrEqual(ackedBefore.length);
  });

  it('refuses a backup from a newer Hearth', { timeout: 90_000 }, async () => {
    const dir = freshDir();
    const t = await startTestHub({ dataDir: dir });
    await t.close(true);
    const newer = join(freshDir(), 'newer.sqlite');
    const db = new Database(databasePath(dir));
    await db.backup(newer);
    db.close();
    const future = new Database(newer);
    future.pragma('user_version = 999');
    future.close();
    const before = fileHash(databasePath(dir));
    const refused = await hearth(dir, 'restore', newer);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/schema v999, newer than this Hearth/);
    expect(fileHash(databasePath(dir))).toBe(before);
  });
});
