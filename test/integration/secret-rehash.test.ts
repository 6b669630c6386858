/**
 * Device secrets made by an older hub (salted scrypt) keep working, and are
 * rewritten as the current kind (salted SHA-256) at the first good CONNECT.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../server/db/database.ts';
import { hashSecret } from '../../server/domain/secrets.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { connackRefusal, connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { waitFor } from '../helpers/wait.ts';

const BAD_USERNAME_OR_PASSWORD = 4;

function storedHash(dataDir: string, id: string): string {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    const row = db.prepare('SELECT secret_hash FROM devices WHERE id = ?').get(id) as { secret_hash: string };
    return row.secret_hash;
  } finally {
    db.close();
  }
}

describe('device secret hashes', () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('accepts a secret stored by an older hub and rehashes it on connect', async () => {
    const dataDir = tempDir();
    t = await startTestHub({ dataDir });
    const dev = await t.addDevice('Old heater', { id: 'old-heater' });
    const { username, password } = dev.credentials;
    expect(storedHash(dataDir, username)).toMatch(/^sha256\$/);
    await t.close(true);

    // What an older hub stored: scrypt at N=2^12.
    const old = await hashSecret(password, { N: 2 ** 12, r: 8, p: 1 });
    const db = new Database(databasePath(dataDir));
    db.prepare('UPDATE devices SET secret_hash = ? WHERE id = ?').run(old, username);
    db.close();

    t = await startTestHub({ dataDir });
    const hub = t;
    expect(await connackRefusal(hub.mqttUrl, deviceOptions(username, `${password}x`))).toBe(
      BAD_USERNAME_OR_PASSWORD,
    );
    expect(storedHash(dataDir, username)).toBe(old);

    const first = await connectRaw(hub.mqttUrl, deviceOptions(username, password));
    await waitFor(() => storedHash(dataDir, username).startsWith('sha256$') || undefined, {
      what: 'the secret rehashed',
    });
    await first.end();
    const again = await connectRaw(hub.mqttUrl, deviceOptions(username, password));
    expect(again.client.connected).toBe(true);
    await again.end();
    expect(await connackRefusal(hub.mqttUrl, deviceOptions(username, `${password}x`))).toBe(
      BAD_USERNAME_OR_PASSWORD,
    );
  });
});
