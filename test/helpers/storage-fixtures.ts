/** Database files for storage tests: filled fast, hashed, damaged on purpose. */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Adds `count` readings of `metric` (one a second from `fromTs`, value = index)
 * to a device that exists in the hub-made database `file`, in one transaction.
 * Direct SQL: a hub would take far longer to ingest this many for a fixture.
 */
export function fillReadings(
  file: string,
  deviceId: string,
  count: number,
  fromTs: number,
  metric = 'filler',
): void {
  const db = new Database(file);
  try {
    db.transaction(() => {
      db.prepare('INSERT OR IGNORE INTO series (device_id, metric) VALUES (?, ?)').run(deviceId, metric);
      const { id } = db
        .prepare('SELECT id FROM series WHERE device_id = ? AND metric = ?')
        .get(deviceId, metric) as {
        id: number;
      };
      const insert = db.prepare('INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)');
      for (let i = 0; i < count; i++) insert.run(id, fromTs + i * 1000, i);
    })();
  } finally {
    db.close();
  }
}

/** SHA-256 of a file's bytes: "not modified" made checkable. */
export function fileHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Overwrites one whole page in the middle of the `readings` b-tree with
 * garbage, the way a bad sector or a torn write would. The database must be
 * closed (no -wal) when this runs.
 */
export function damageReadingsPage(file: string): number {
  const db = new Database(file, { readonly: true });
  let pageno: number;
  let pageSize: number;
  try {
    pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = 'readings' ORDER BY pageno").all() as {
      pageno: number;
    }[];
    const middle = pages[Math.floor(pages.length / 2)];
    if (!middle || pages.length < 3)
      throw new Error('the readings table is too small to damage a middle page');
    pageno = middle.pageno;
  } finally {
    db.close();
  }
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return pageno;
}

/**
 * Makes the database big fast: `count` finished commands with `bytes` of
 * params each (a download larger than the socket buffers stays in flight
 * until it is read).
 */
export function fillCommandLog(file: string, deviceId: string, count: number, bytes: number): void {
  const db = new Database(file);
  try {
    const params = JSON.stringify({ note: 'x'.repeat(bytes) });
    const insert = db.prepare(
      "INSERT INTO commands (id, device_id, method, params, actor, status, created_at) VALUES (?, ?, 'identify', ?, 'test', 'ok', ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(`filler-${i}`, deviceId, params, i);
    })();
  } finally {
    db.close();
  }
}
