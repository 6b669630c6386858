/**
 * Deployment files, checked offline (no Docker engine here or in CI): the
 * compose file through Debian's docker-compose 1.29 `config -q`, the
 * Dockerfile's essentials, its HEALTHCHECK command run for real against a
 * hub, the env example against the config schema, and the demo script's
 * shell syntax.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub } from '../helpers/hub.ts';
import { freePort } from '../helpers/mosquitto-broker.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPOSE = join(root, 'docker-compose.yml');
const ENV_EXAMPLE = join(root, 'hearth.env.example');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** docker-compose v1 (Debian's `docker-compose` package), if installed. */
const dockerCompose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(file, args, { timeout: 60_000, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The compose file in a temp project dir, with hearth.env made from the example (when `withEnv`). */
function project(withEnv = true): string {
  const dir = cleanup.add(mkdtempSync(join(tmpdir(), 'hearth-compose-')), (d) =>
    rmSync(d, { recursive: true, force: true }),
  );
  copyFileSync(COMPOSE, join(dir, 'docker-compose.yml'));
  if (withEnv) copyFileSync(ENV_EXAMPLE, join(dir, 'hearth.env'));
  return join(dir, 'docker-compose.yml');
}

/** `KEY=value` lines of an env file. */
function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1] as string] = m[2] as string;
  }
  return env;
}

describe('docker-compose.yml', () => {
  // Skipped, saying so, where Debian's docker-compose is not installed (`apt-get install docker-compose`).
  it.skipIf(!dockerCompose)(
    'is valid for docker-compose 1.29 `config -q`, demo profile included (needs the docker-compose package)',
    // docker-compose is Python: seconds per run on a busy machine.
    { timeout: 120_000 },
    async () => {
      const file = project();
      const ok = await run(dockerCompose as string, ['-f', file, 'config', '-q']);
      expect(ok.code, ok.stderr).toBe(0);
      const services = await run(dockerCompose as string, [
        '-f',
        file,
        '--profile',
        'demo',
        'config',
        '--services',
      ]);
      expect(services.code, services.stderr).toBe(0);
      expect(services.stdout.split('\n').filter(Boolean).sort()).toEqual(['hearth', 'house']);
      const full = await run(dockerCompose as string, ['-f', file, 'config']);
      expect(full.stdout).toMatch(/HEARTH_DATA_DIR: \/data/);
      expect(full.stdout).toMatch(/target: 1883/);
      expect(full.stdout).toMatch(/image: hearth:latest/);
      // The validator does validate: without the env file the project is refused.
      const missing = await run(dockerCompose as string, ['-f', project(false), 'config', '-q']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/hearth\.env/);
    },
  );

  it('explains host networking for mDNS and keeps the data in a volume', () => {
    const text = readFileSync(COMPOSE, 'utf8');
    expect(text).toMatch(/# network_mode: host/);
    expect(text).toMatch(/mDNS/);
    expect(text).toMatch(/hearth-data:\/data/);
    expect(text).toMatch(/profiles: \["demo"\]/);
  });

  it('hearth.env.example holds only settings the hub knows, with valid values', () => {
    const env = envFile(readFileSync(ENV_EXAMPLE, 'utf8'));
    expect(Object.keys(env)).toContain('HEARTH_OWNER_PASSWORD');
    expect(() => loadConfig({ env, cwd: tmpdir(), hostname: 'test.local' })).not.toThrow();
  });

  it('the demo profile’s script is valid shell', () => {
    const r = spawnSync('sh', ['-n', join(root, 'devices', 'simulated-house.sh')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);

  it('builds in stages on Node 20 and runs as a non-root user with its data in /data', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const image of stages) expect(image).toMatch(/^node:20[-.\w]*$/);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER (?!root\b|0\b)\w+/m);
    expect(final.indexOf('USER ')).toBeLessThan(final.indexOf('CMD '));
    expect(final).toMatch(/HEARTH_DATA_DIR=\/data/);
    expect(final).toMatch(/^VOLUME \["\/data"\]/m);
    expect(final).toMatch(/^EXPOSE 8080 1883 8883/m);
    expect(final).toMatch(/^CMD \["node", "--import", "tsx", "server\/main\.ts"\]/m);
    // better-sqlite3 compiles in the build stage.
    expect(dockerfile).toMatch(/python3 make g\+\+/);
  });

  it('copies only paths that exist', () => {
    for (const m of dockerfile.matchAll(/^COPY --from=build (.+) \S+$/gm)) {
      for (const src of (m[1] as string).split(' ')) {
        const path = src.replace(/^\/app\//, '');
        // web/dist is built in the image.
        if (path !== 'web/dist') expect(existsSync(join(root, path)), path).toBe(true);
      }
    }
  });

  it('its HEALTHCHECK command passes against a running hub and fails without one', async () => {
    const m = /HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile);
    expect(m, 'HEALTHCHECK … CMD [exec form]').not.toBeNull();
    const [bin, ...args] = JSON.parse(m?.[1] ?? '[]') as string[];
    expect(bin).toBe('node');
    expect(args.join(' ')).toMatch(/\/api\/health/);
    const t = cleanup.add(await startTestHub({ overrides: { probeIntervalMs: 0 } }), (h) => h.close());
    const env = { ...process.env, HEARTH_HTTP_PORT: String(t.hub.httpPort) };
    expect((await run(process.execPath, args, env)).code).toBe(0);
    const closed = { ...process.env, HEARTH_HTTP_PORT: String(await freePort()) };
    expect((await run(process.execPath, args, closed)).code).toBe(1);
  });
});
