/**
 * The hub's stable id, advertised by mDNS so a device can tell two hubs on one
 * LAN apart. Made once and kept in the data directory next to the database.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomId } from '../domain/secrets.ts';

const HUB_ID_PATTERN = /^[a-z0-9]{4,32}$/;

/** Reads `<dataDir>/hub-id`, creating it on first start. */
export function loadHubId(dataDir: string): string {
  const file = join(dataDir, 'hub-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (HUB_ID_PATTERN.test(id)) return id;
  } catch {
    // Not there yet (first start): made below.
  }
  const id = randomId('h', 11);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}
