/** Persistence of people, sessions, API tokens and MQTT integration accounts. */
import type { Db } from './database.ts';

export interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface SessionRow {
  id: string;
  user_id: number;
  secret_hash: string;
  created_at: number;
  last_seen: number;
  expires_at: number;
  user_agent: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  user_id: number;
  secret_hash: string;
  created_at: number;
  last_used: number | null;
}

export interface IntegrationRow {
  id: string;
  username: string;
  password_hash: string;
  patterns: string;
  access: 'read' | 'readwrite';
  created_at: number;
}

export function createAccountRepo(db: Db) {
  const s = {
    userCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
    userByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
    userById: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertUser: db.prepare<[string, string, number]>(
      'INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)',
    ),
    setPassword: db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?'),
    session: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    insertSession: db.prepare(
      `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_seen, expires_at, user_agent)
       VALUES (@id, @user_id, @secret_hash, @created_at, @last_seen, @expires_at, @user_agent)`,
    ),
    touchSession: db.prepare<[number, number, string]>(
      'UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?',
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
    deleteUserSessions: db.prepare<[number]>('DELETE FROM sessions WHERE user_id = ?'),
    sessionIds: db.prepare<[number], { id: string }>('SELECT id FROM sessions WHERE user_id = ?'),
    deleteOtherSessions: db.prepare<[number, string]>('DELETE FROM sessions WHERE user_id = ? AND id <> ?'),
    expireSessions: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at < ?'),
    token: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?'),
    tokens: db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at'),
    insertToken: db.prepare(
      `INSERT INTO api_tokens (id, name, user_id, secret_hash, created_at)
       VALUES (@id, @name, @user_id, @secret_hash, @created_at)`,
    ),
    touchToken: db.prepare<[number, string]>('UPDATE api_tokens SET last_used = ? WHERE id = ?'),
    deleteToken: db.prepare<[string]>('DELETE FROM api_tokens WHERE id = ?'),
    integration: db.prepare<[string], IntegrationRow>('SELECT * FROM integrations WHERE id = ?'),
    integrationByUser: db.prepare<[string], IntegrationRow>('SELECT * FROM integrations WHERE username = ?'),
    integrations: db.prepare<[], IntegrationRow>('SELECT * FROM integrations ORDER BY username'),
    insertIntegration: db.prepare(
      `INSERT INTO integrations (id, username, password_hash, patterns, access, created_at)
       VALUES (@id, @username, @password_hash, @patterns, @access, @created_at)`,
    ),
    updateIntegration: db.prepare<[string, string, string]>(
      'UPDATE integrations SET patterns = ?, access = ? WHERE id = ?',
    ),
    integrationPassword: db.prepare<[string, string]>(
      'UPDATE integrations SET password_hash = ? WHERE id = ?',
    ),
    deleteIntegration: db.prepare<[string]>('DELETE FROM integrations WHERE id = ?'),
  };

  return {
    userCount: (): number => s.userCount.get()?.n ?? 0,
    userByName: (name: string) => s.userByName.get(name),
    userById: (id: number) => s.userById.get(id),
    insertUser: (name: string, hash: string, at: number): number =>
      Number(s.insertUser.run(name, hash, at).lastInsertRowid),
    setPassword: (id: number, hash: string): void => {
      s.setPassword.run(hash, id);
    },
    session: (id: string) => s.session.get(id),
    insertSession: (row: SessionRow): void => {
      s.insertSession.run(row);
    },
    touchSession: (id: string, now: number, expiresAt: number): void => {
      s.touchSession.run(now, expiresAt, id);
    },
    deleteSession: (id: string): void => {
      s.deleteSession.run(id);
    },
    /** Every session of the user but `keep` (none kept when it is null). */
    deleteOtherSessions: (userId: number, keep: string | null): string[] => {
      const gone = s.sessionIds
        .all(userId)
        .map((r) => r.id)
        .filter((id) => id !== keep);
      s.deleteOtherSessions.run(userId, keep ?? '');
      return gone;
    },
    deleteUserSessions: (userId: number): void => {
      s.deleteUserSessions.run(userId);
    },
    expireSessions: (now: number): number => s.expireSessions.run(now).changes,
    token: (id: string) => s.token.get(id),
    tokens: (): TokenRow[] => s.tokens.all(),
    insertToken: (row: Omit<TokenRow, 'last_used'>): void => {
      s.insertToken.run(row);
    },
    touchToken: (id: string, now: number): void => {
      s.touchToken.run(now, id);
    },
    deleteToken: (id: string): boolean => s.deleteToken.run(id).changes > 0,
    integration: (id: string) => s.integration.get(id),
    integrationByUsername: (username: string) => s.integrationByUser.get(username),
    integrations: (): IntegrationRow[] => s.integrations.all(),
    insertIntegration: (row: IntegrationRow): void => {
      s.insertIntegration.run(row);
    },
    updateIntegration: (id: string, patterns: string, access: string): void => {
      s.updateIntegration.run(patterns, access, id);
    },
    setIntegrationPassword: (id: string, hash: string): void => {
      s.integrationPassword.run(hash, id);
    },
    deleteIntegration: (id: string): boolean => s.deleteIntegration.run(id).changes > 0,
  };
}

export type AccountRepo = ReturnType<typeof createAccountRepo>;
