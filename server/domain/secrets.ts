/**
 * Salted hashes for every secret. People's passwords are low-entropy: scrypt
 * at a high cost, stored as `scrypt$N$r$p$salt$hash` so the cost can change.
 * Machine secrets (devices, integration accounts, sessions, API tokens) are
 * 200+ random bits: brute force needs ~2^200 guesses whatever the hash, so a
 * work factor buys nothing there, while it decides how fast 5,000 devices
 * reconnect after a hub restart (every CONNECT is one check). They are stored
 * as `sha256$salt$hash`. Hashes of an older kind still verify and are
 * rewritten at their next successful use (`needsRehash`).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** How a secret is hashed: scrypt at a cost (passwords), or salted SHA-256 (machine secrets). */
export type SecretKind = ScryptCost | 'machine';
const KEY_LEN = 32;

function sha256(secret: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes `secret` with a fresh random salt (a machine secret unless a scrypt cost is given). */
export async function hashSecret(secret: string, kind: SecretKind = 'machine'): Promise<string> {
  const salt = randomBytes(16);
  if (kind === 'machine')
    return ['sha256', salt.toString('base64'), sha256(secret, salt).toString('base64')].join('$');
  const key = await derive(secret, salt, kind);
  return ['scrypt', kind.N, kind.r, kind.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of `secret` against a stored hash of either kind; false for malformed hashes. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length === 3 && parts[0] === 'sha256') {
    const expected = Buffer.from(parts[2] ?? '', 'base64');
    const actual = sha256(secret, Buffer.from(parts[1] ?? '', 'base64'));
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
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

/** True when `stored` was made another way than `kind` asks (so it should be rehashed). */
export function needsRehash(stored: string, kind: SecretKind = 'machine'): boolean {
  const [scheme, n, r, p] = stored.split('$');
  if (kind === 'machine') return scheme !== 'sha256';
  return scheme !== 'scrypt' || Number(n) !== kind.N || Number(r) !== kind.r || Number(p) !== kind.p;
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
