/**
 * People and their credentials: the owner account (created at first start),
 * login sessions and API tokens. Every secret is stored as a salted scrypt
 * hash; a verified session or token is cached in memory (by a SHA-256 of its
 * secret) so only the first request after a restart pays for scrypt.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CreatedTokenDto, TokenDto } from '../../shared/auth.ts';
import type { AccountRepo } from '../db/account-repo.ts';
import { HearthError } from './errors.ts';
import type { Clock, Logger } from './logger.ts';
import { hashSecret, randomId, type ScryptCost, verifySecret } from './secrets.ts';

/** People's passwords are low-entropy: they get an expensive hash. */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const OWNER = 'owner';

export type Principal =
  | { kind: 'user'; userId: number; name: string; sessionId: string }
  | { kind: 'token'; userId: number; name: string; tokenId: string };

/** The command log's "who". */
export function actorOf(p: Principal): string {
  return p.kind === 'user' ? `user:${p.name}` : `token:${p.name}`;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

interface Cached {
  digest: Buffer;
  principal: Principal;
}

export interface AuthServiceDeps {
  repo: AccountRepo;
  clock: Clock;
  log: Logger;
}

export function createAuthService({ repo, clock, log }: AuthServiceDeps) {
  /** Proves setup is done by someone who can read the hub's log (or sits at the hub). */
  const setupCode = randomBytes(4)
    .toString('hex')
    .toUpperCase()
    .replace(/(.{4})/, '$1-');
  const cache = new Map<string, Cached>();

  function fromCache(key: string, secret: string): Principal | null {
    const hit = cache.get(key);
    if (!hit) return null;
    return timingSafeEqual(hit.digest, sha(secret)) ? hit.principal : null;
  }

  function split(value: string, sep: string): [string, string] | null {
    const i = value.lastIndexOf(sep);
    if (i <= 0 || i === value.length - 1) return null;
    return [value.slice(0, i), value.slice(i + 1)];
  }

  async function newSession(userId: number, name: string, userAgent: string | null) {
    const id = randomId('s', 16);
    const secret = randomBytes(32).toString('base64url');
    const now = clock();
    repo.insertSession({
      id,
      user_id: userId,
      secret_hash: await hashSecret(secret),
      created_at: now,
      last_seen: now,
      expires_at: now + SESSION_TTL_MS,
      user_agent: userAgent?.slice(0, 200) ?? null,
    });
    cache.set(`s:${id}`, { digest: sha(secret), principal: { kind: 'user', userId, name, sessionId: id } });
    return { cookie: `${id}.${secret}`, expiresAt: now + SESSION_TTL_MS };
  }

  return {
    /** The one-time code that authorises setup from another machine. */
    setupCode,

    setupRequired: (): boolean => repo.userCount() === 0,

    /** Creates the owner account; refused once one exists. */
    async setup(password: string, code: string | undefined, local: boolean, userAgent: string | null) {
      if (repo.userCount() > 0) throw new HearthError('conflict', 'the owner account already exists');
      if (!local && code?.trim().toUpperCase() !== setupCode) {
        throw new HearthError('forbidden', 'wrong or missing setup code (it is printed in the hub log)');
      }
      const hash = await hashSecret(password, PASSWORD_COST);
      if (repo.userCount() > 0) throw new HearthError('conflict', 'the owner account already exists');
      const userId = repo.insertUser(OWNER, hash, clock());
      log.info({ user: OWNER }, 'owner account created');
      return newSession(userId, OWNER, userAgent);
    },

    /** HEARTH_OWNER_PASSWORD: creates the owner, or makes the password match. */
    async ensureOwner(password: string): Promise<void> {
      const owner = repo.userByName(OWNER);
      if (!owner) {
        repo.insertUser(OWNER, await hashSecret(password, PASSWORD_COST), clock());
        log.info({ user: OWNER }, 'owner account created from HEARTH_OWNER_PASSWORD');
      } else if (!(await verifySecret(password, owner.password_hash))) {
        repo.setPassword(owner.id, await hashSecret(password, PASSWORD_COST));
        repo.deleteUserSessions(owner.id);
        log.warn({ user: OWNER }, 'owner password changed from HEARTH_OWNER_PASSWORD; sessions ended');
      }
    },

    async login(name: string, password: string, userAgent: string | null) {
      const user = repo.userByName(name);
      if (!user) {
        // Hash anyway, so timing does not tell unknown names from wrong passwords.
        await hashSecret(password, PASSWORD_COST);
        throw new HearthError('unauthorized', 'wrong name or password');
      }
      if (!(await verifySecret(password, user.password_hash))) {
        throw new HearthError('unauthorized', 'wrong name or password');
      }
      return newSession(user.id, user.name, userAgent);
    },

    /**
     * Sets a new password and ends every other session of the user: whoever
     * changes a leaked password must not stay exposed to the thief's session.
     */
    async changePassword(userId: number, current: string, next: string, keepSession: string | null) {
      const user = repo.userById(userId);
      if (!user || !(await verifySecret(current, user.password_hash))) {
        throw new HearthError('unauthorized', 'the current password is wrong');
      }
      repo.setPassword(userId, await hashSecret(next, PASSWORD_COST));
      for (const id of repo.deleteOtherSessions(userId, keepSession)) cache.delete(`s:${id}`);
    },

    /** The principal behind a session cookie, or null. Sliding expiry. */
    async session(cookie: string): Promise<Principal | null> {
      const parts = split(cookie, '.');
      if (!parts) return null;
      const [id, secret] = parts;
      const row = repo.session(id);
      const now = clock();
      if (!row || row.expires_at < now) {
        cache.delete(`s:${id}`);
        return null;
      }
      let principal = fromCache(`s:${id}`, secret);
      if (!principal) {
        if (!(await verifySecret(secret, row.secret_hash))) return null;
        const user = repo.userById(row.user_id);
        if (!user) return null;
        principal = { kind: 'user', userId: user.id, name: user.name, sessionId: id };
        cache.set(`s:${id}`, { digest: sha(secret), principal });
      }
      // Touch at most once a minute: a busy dashboard must not write per request.
      if (now - row.last_seen > 60_000) repo.touchSession(id, now, now + SESSION_TTL_MS);
      return principal;
    },

    logout(cookie: string): void {
      const parts = split(cookie, '.');
      if (!parts) return;
      cache.delete(`s:${parts[0]}`);
      repo.deleteSession(parts[0]);
    },

    /** The principal behind `Authorization: Bearer hth_<id>_<secret>`, or null. */
    async bearer(token: string): Promise<Principal | null> {
      if (!token.startsWith('hth_')) return null;
      const parts = split(token.slice(4), '_');
      if (!parts) return null;
      const [id, secret] = parts;
      const row = repo.token(id);
      if (!row) {
        cache.delete(`t:${id}`);
        return null;
      }
      let principal = fromCache(`t:${id}`, secret);
      if (!principal) {
        if (!(await verifySecret(secret, row.secret_hash))) return null;
        principal = { kind: 'token', userId: row.user_id, name: row.name, tokenId: id };
        cache.set(`t:${id}`, { digest: sha(secret), principal });
      }
      const now = clock();
      if (row.last_used === null || now - row.last_used > 60_000) repo.touchToken(id, now);
      return principal;
    },

    async createToken(userId: number, name: string): Promise<CreatedTokenDto> {
      const id = randomId('', 12);
      const secret = randomBytes(32).toString('base64url').replace(/_/g, 'x');
      const createdAt = clock();
      repo.insertToken({
        id,
        name: name.trim(),
        user_id: userId,
        secret_hash: await hashSecret(secret),
        created_at: createdAt,
      });
      return {
        token: { id, name: name.trim(), created_at: createdAt, last_used: null },
        secret: `hth_${id}_${secret}`,
      };
    },

    tokens: (): TokenDto[] =>
      repo
        .tokens()
        .map((t) => ({ id: t.id, name: t.name, created_at: t.created_at, last_used: t.last_used })),

    revokeToken(id: string): void {
      cache.delete(`t:${id}`);
      if (!repo.deleteToken(id)) throw new HearthError('not_found', `token "${id}" not found`);
    },

    /** Forgets expired sessions. */
    sweep(): number {
      return repo.expireSessions(clock());
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
