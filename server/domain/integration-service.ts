/**
 * MQTT integration accounts (Node-RED, Home Assistant, scripts): a username
 * and password with explicit topic patterns, read-only or read/write. They
 * never speak for a device: publishing on a device's own topics is refused
 * even with write access, so nothing can forge readings or replies.
 */
import type {
  CreatedIntegrationDto,
  CreateIntegrationBody,
  IntegrationDto,
  UpdateIntegrationBody,
} from '../../shared/auth.ts';
import { DEVICE_PUBLISH_KINDS, filterCovers, parseTopic, topicMatchesFilter } from '../../shared/topics.ts';
import type { AccountRepo, IntegrationRow } from '../db/account-repo.ts';
import type { DeviceService } from './device-service.ts';
import { HearthError } from './errors.ts';
import type { Clock } from './logger.ts';
import { hashSecret, newSecret, randomId, verifySecret } from './secrets.ts';

export interface IntegrationGrant {
  id: string;
  username: string;
  patterns: string[];
  access: 'read' | 'readwrite';
}

function toDto(row: IntegrationRow): IntegrationDto {
  return {
    id: row.id,
    username: row.username,
    patterns: JSON.parse(row.patterns) as string[],
    access: row.access,
    created_at: row.created_at,
  };
}

/** May an integration with `grant` subscribe to `filter`? */
export function maySubscribe(grant: IntegrationGrant, filter: string): boolean {
  return grant.patterns.some((p) => filterCovers(p, filter));
}

/** May an integration with `grant` publish on `topic`? Returns the reason when not. */
export function mayPublish(grant: IntegrationGrant, topic: string): string | null {
  if (grant.access !== 'readwrite') return 'the account is read-only';
  if (topic.startsWith('$')) return '$ topics are the broker’s';
  const t = parseTopic(topic);
  if (t.scope === 'device' && DEVICE_PUBLISH_KINDS.has(t.kind))
    return 'only the device publishes its own topics';
  if (t.scope === 'pairing') return 'pairing topics belong to pairing sessions';
  if (!grant.patterns.some((p) => topicMatchesFilter(p, topic))) return 'outside the account’s patterns';
  return null;
}

export interface IntegrationServiceDeps {
  repo: AccountRepo;
  devices: DeviceService;
  clock: Clock;
  mqttUrl: () => string;
}

export function createIntegrationService({ repo, devices, clock, mqttUrl }: IntegrationServiceDeps) {
  /** Called with the username of an account that was changed or removed (to disconnect it). */
  const changed = new Set<(username: string) => void>();

  function find(id: string): IntegrationRow {
    const row = repo.integration(id);
    if (!row) throw new HearthError('not_found', `integration account "${id}" not found`);
    return row;
  }

  return {
    list: (): IntegrationDto[] => repo.integrations().map(toDto),
    get: (id: string): IntegrationDto => toDto(find(id)),

    async create(body: CreateIntegrationBody): Promise<CreatedIntegrationDto> {
      if (repo.integrationByUsername(body.username) || devices.exists(body.username)) {
        throw new HearthError('conflict', `the MQTT username "${body.username}" is taken`);
      }
      const password = newSecret();
      const row: IntegrationRow = {
        id: randomId('i'),
        username: body.username,
        password_hash: await hashSecret(password),
        patterns: JSON.stringify(body.patterns),
        access: body.access,
        created_at: clock(),
      };
      repo.insertIntegration(row);
      return { integration: toDto(row), password, mqtt_url: mqttUrl() };
    },

    update(id: string, body: UpdateIntegrationBody): IntegrationDto {
      const row = find(id);
      const patterns = body.patterns ?? (JSON.parse(row.patterns) as string[]);
      const access = body.access ?? row.access;
      repo.updateIntegration(id, JSON.stringify(patterns), access);
      for (const fn of changed) fn(row.username);
      return toDto(find(id));
    },

    async rotate(id: string): Promise<CreatedIntegrationDto> {
      const row = find(id);
      const password = newSecret();
      repo.setIntegrationPassword(id, await hashSecret(password));
      for (const fn of changed) fn(row.username);
      return { integration: toDto(row), password, mqtt_url: mqttUrl() };
    },

    remove(id: string): void {
      const row = find(id);
      repo.deleteIntegration(id);
      for (const fn of changed) fn(row.username);
    },

    /** The grant behind MQTT credentials, or null. */
    async authenticate(username: string, password: string): Promise<IntegrationGrant | null> {
      const row = repo.integrationByUsername(username);
      if (!row || !(await verifySecret(password, row.password_hash))) return null;
      const dto = toDto(row);
      return { id: dto.id, username: dto.username, patterns: dto.patterns, access: dto.access };
    },

    /** Whether `username` names an integration account. */
    isIntegration: (username: string): boolean => repo.integrationByUsername(username) !== undefined,

    /** Subscribes to account changes (the broker disconnects the account's clients). */
    onChange(fn: (username: string) => void): () => void {
      changed.add(fn);
      return () => changed.delete(fn);
    },
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
