import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from '../../server/config.ts';

const base = { cwd: '/srv/hearth', hostname: 'hub.local' };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({ ...base, env: {} });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      httpPort: 8080,
      mqttPort: 1883,
      dataDir: '/srv/hearth/data',
      publicHost: 'hub.local',
    });
  });

  it('maps keys to HEARTH_* names', () => {
    expect(envName('httpPort')).toBe('HEARTH_HTTP_PORT');
    expect(envName('dataDir')).toBe('HEARTH_DATA_DIR');
  });

  it('layers defaults < file < environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
    writeFileSync(join(dir, 'hearth.config.json'), JSON.stringify({ httpPort: 9000, mqttPort: 1999 }));
    const c = loadConfig({
      cwd: dir,
      hostname: 'h',
      env: { HEARTH_MQTT_PORT: '2883', HEARTH_DATA_DIR: 'store' },
    });
    expect(c.httpPort).toBe(9000);
    expect(c.mqttPort).toBe(2883);
    expect(c.dataDir).toBe(join(dir, 'store'));
  });

  it('reads the file named by HEARTH_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
    writeFileSync(join(dir, 'custom.json'), JSON.stringify({ logLevel: 'debug' }));
    expect(loadConfig({ cwd: dir, hostname: 'h', env: { HEARTH_CONFIG: 'custom.json' } }).logLevel).toBe(
      'debug',
    );
    expect(
      problems(() => loadConfig({ cwd: dir, hostname: 'h', env: { HEARTH_CONFIG: 'missing.json' } }))[0],
    ).toContain('missing.json');
  });

  it('lists every problem at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
    writeFileSync(join(dir, 'hearth.config.json'), JSON.stringify({ colour: 'blue' }));
    const list = problems(() =>
      loadConfig({
        cwd: dir,
        hostname: 'h',
        env: {
          HEARTH_HTTP_PORT: 'eighty',
          HEARTH_MQTT_PORT: '70000',
          HEARTH_LOG_LEVEL: 'loud',
          HEARTH_PORT: '1',
        },
      }),
    );
    expect(list.join('\n')).toMatch(/unknown setting "colour"/);
    expect(list.join('\n')).toMatch(/HEARTH_HTTP_PORT: "eighty" is not a number/);
    expect(list.join('\n')).toMatch(/mqttPort \(HEARTH_MQTT_PORT\)/);
    expect(list.join('\n')).toMatch(/logLevel \(HEARTH_LOG_LEVEL\)/);
    expect(list.join('\n')).toMatch(/HEARTH_PORT: unknown setting/);
    expect(list.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a config file that is not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
    writeFileSync(join(dir, 'hearth.config.json'), '[1]');
    expect(problems(() => loadConfig({ cwd: dir, hostname: 'h', env: {} }))[0]).toMatch(/JSON object/);
    writeFileSync(join(dir, 'hearth.config.json'), '{oops');
    expect(problems(() => loadConfig({ cwd: dir, hostname: 'h', env: {} }))[0]).toMatch(/hearth.config.json/);
  });
});
