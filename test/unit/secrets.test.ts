import { describe, expect, it } from 'vitest';
import { hashSecret, needsRehash, newSecret, verifySecret } from '../../server/domain/secrets.ts';

const PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

describe('secret hashes', () => {
  it('stores machine secrets as salted SHA-256 and checks them', async () => {
    const secret = newSecret();
    const hash = await hashSecret(secret);
    expect(hash).toMatch(/^sha256\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(hash).not.toContain(secret);
    // A fresh salt each time: equal secrets do not give equal hashes.
    expect(await hashSecret(secret)).not.toBe(hash);
    expect(await verifySecret(secret, hash)).toBe(true);
    expect(await verifySecret(`${secret}x`, hash)).toBe(false);
    expect(await verifySecret(secret.slice(1), hash)).toBe(false);
  });

  it('stores passwords with scrypt at the cost asked for', async () => {
    const hash = await hashSecret('a long enough password', PASSWORD_COST);
    expect(hash.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifySecret('a long enough password', hash)).toBe(true);
    expect(await verifySecret('a long enough passwore', hash)).toBe(false);
  });

  it('refuses malformed hashes instead of throwing', async () => {
    for (const stored of ['', 'sha256$', 'sha256$abc', 'md5$a$b', 'scrypt$x$8$1$a$b', 'scrypt$1024$8$1$a']) {
      expect(await verifySecret('anything', stored)).toBe(false);
    }
  });

  it('says which hashes are of an older kind', async () => {
    const machine = await hashSecret('s');
    const scrypted = await hashSecret('s', PASSWORD_COST);
    expect(needsRehash(machine)).toBe(false);
    expect(needsRehash(scrypted)).toBe(true);
    expect(needsRehash(scrypted, PASSWORD_COST)).toBe(false);
    expect(needsRehash(scrypted, { ...PASSWORD_COST, N: 2 ** 11 })).toBe(true);
    expect(needsRehash(machine, PASSWORD_COST)).toBe(true);
  });
});
