/**
 * Salted scrypt hashes for every secret: people's passwords, and the random
 * secrets of devices, integration accounts, sessions and API tokens. Stored
 * as `scrypt$N$r$p$salt$hash`, so the cost can change without invalidating
 * existing hashes (they are rehashed at their next successful use).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Machine secrets (device, integration, session, token) are 200+ random bits:
 * brute force needs ~2^200 guesses whatever the cost, so the work factor buys
 * nothing there, while it decides how fast 5,000 devices can reconnect after
 * a hub restart (every CONNECT is one verification: ~1 ms at this cost on a
 * small machine, against ~10 ms at N=2^12). People's passwords get a high
 * cost instead (auth-service PASSWORD_COST).
 */
export const DEVICE_SECRET_COST: ScryptCost = { N: 2 ** 8, r: 8, p: 1 };
const KEY_LEN = 32;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes `secret` with a fresh random salt. */
export async function hashSecret(secret: string, cost = DEVICE_SECRET_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of `secret` against a stored hash; false for malformed hashes. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Number.isInteger(cost.N) || !Number.isInteger(cost.r) || !Number.isInteger(cost.p)) {
    return false;
  }
  const expected = Buffer.from(keyB64 ?? '', 'base64');
  const actual = await derive(secret, Buffer.from(saltB64 ?? '', 'base64'), cost);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when `stored` was made with another cost than `cost` (so it should be rehashed). */
export function needsRehash(stored: string, cost = DEVICE_SECRET_COST): boolean {
  const [, n, r, p] = stored.split('$');
  return Number(n) !== cost.N || Number(r) !== cost.r || Number(p) !== cost.p;
}

/**
 * A new random secret: 40 characters of a 32-letter alphabet (200 bits).
 * Letters and digits only, so it never starts with `-` (which command lines
 * read as an option) and survives copy-paste, URLs and shells unquoted.
 */
export function newSecret(): string {
  return randomId('', 40);
}

/** A random id from an unambiguous lowercase alphabet. */
export function randomId(prefix: string, length = 10): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % 32];
  return out;
}
