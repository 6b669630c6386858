/**
 * The MQTT round-trip probe: `npm run hearth -- probe` as a real child
 * process against the hub (with an integration account) and against a real
 * Mosquitto the test starts, at QoS 0, 1 and 2 with JSON output; its exit
 * codes on failure; and the in-hub probe as GET /api/stats reports it.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProbeReport, probeBroker } from '../../server/probe/mqtt-probe.ts';
import { runProbeCli } from '../../server/probe/probe-cli.ts';
import type { CreatedIntegrationDto } from '../../shared/auth.ts';
import type { StatsDto } from '../../shared/stats.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { freePort, mosquittoInstalled, startMosquitto } from '../helpers/mosquitto-broker.ts';
import { waitFor } from '../helpers/wait.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A child pays tsx start-up, seconds on a busy machine. */
const CHILD_TIMEOUT = { timeout: 120_000 };
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run hearth -- probe …args` as a child process, bounded in time. */
function probeCli(args: string[]): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'probe', ...args], {
      cwd: root,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_'))),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

/** In-process run of the CLI command (same code as the child, without tsx start-up). */
async function probeInProcess(args: string[]): Promise<Exit> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProbeCli(
    args,
    (l = '') => out.push(l),
    (l = '') => err.push(l),
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function expectClean(report: ProbeReport, count: number): void {
  expect(report.results.map((r) => r.qos)).toEqual([0, 1, 2]);
  for (const r of report.results) {
    expect(r, JSON.stringify(report)).toMatchObject({ sent: count, received: count, lost: 0, loss_pct: 0 });
    expect(r.min_ms).toBeGreaterThan(0);
    expect(r.median_ms).toBeGreaterThanOrEqual(r.min_ms ?? 0);
    expect(r.p95_ms).toBeGreaterThanOrEqual(r.median_ms ?? 0);
    expect(r.p99_ms).toBeGreaterThanOrEqual(r.p95_ms ?? 0);
    expect(r.max_ms).toBeGreaterThanOrEqual(r.p99_ms ?? 0);
  }
}

async function probeAccount(t: TestHub, access: 'read' | 'readwrite' = 'readwrite') {
  const res = await t.api('/api/integrations', {
    method: 'POST',
    body: { username: `probe-${access}`, patterns: ['probe/#'], access },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedIntegrationDto;
}

describe('hearth probe against the hub', () => {
  it('measures QoS 0, 1 and 2 with an integration account (CLI, JSON output)', CHILD_TIMEOUT, async () => {
    const t = cleanup.add(await startTestHub(), (h) => h.close());
    const account = await probeAccount(t);
    const run = await probeCli([
      t.mqttUrl,
      '--username',
      account.integration.username,
      // `=`: a generated secret may start with '-', which parseArgs would take for a flag.
      `--password=${account.password}`,
      '--qos',
      '0,1,2',
      '--count',
      '10',
      '--interval',
      '5',
      '--json',
    ]);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.url).toBe(t.mqttUrl);
    expect(report.topic).toMatch(/^probe\/hearth-probe-[0-9a-f]+$/);
    expectClean(report, 10);
  });

  it('works over MQTT-over-WebSocket too, and prints a table without --json', async () => {
    const t = cleanup.add(await startTestHub(), (h) => h.close());
    const account = await probeAccount(t);
    const run = await probeInProcess([
      t.wsUrl,
      '--username',
      account.integration.username,
      // `=`: a generated secret may start with '-', which parseArgs would take for a flag.
      `--password=${account.password}`,
      '--qos',
      '1',
      '--count',
      '5',
      '--interval',
      '0',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toMatch(/^QoS\s+sent\s+recv\s+loss\s+min\s+median\s+p95\s+p99\s+max \(ms\)$/);
    expect(lines[2]).toMatch(/^1\s+5\s+5\s+0\.0%\s+\d+\.\d\d/);
  });

  it('fails clearly: refused credentials exit 2, a read-only account loses everything and exits 1', async () => {
    const t = cleanup.add(await startTestHub(), (h) => h.close());
    const refused = await probeInProcess([t.mqttUrl, '--username', 'nobody', '--password', 'wrong-secret']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/could not connect.*(Bad username or password|Not authorized)/i);

    // Read-only: subscribing works, every publish is acknowledged and dropped by the ACL.
    const reader = await probeAccount(t, 'read');
    const lost = await probeInProcess([
      t.mqttUrl,
      '--username',
      reader.integration.username,
      `--password=${reader.password}`,
      '--qos',
      '1',
      '--count',
      '3',
      '--interval',
      '0',
      '--timeout',
      '300',
      '--json',
    ]);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/every message lost at QoS 1/);
    expect((JSON.parse(lost.stdout) as ProbeReport).results[0]).toMatchObject({
      sent: 3,
      received: 0,
      lost: 3,
    });
  });

  it('exits 2 when nothing listens, and 1 on bad usage', async () => {
    const port = await freePort();
    const closed = await probeInProcess([`mqtt://127.0.0.1:${port}`, '--timeout', '1000']);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(/could not connect/);
    expect((await probeInProcess([])).code).toBe(1);
    expect((await probeInProcess(['http://x', '--count', '1'])).stderr).toMatch(/must start with mqtt:\/\//);
    expect((await probeInProcess(['mqtt://x', '--qos', '3'])).code).toBe(1);
    expect((await probeInProcess(['mqtt://x', '--bogus'])).code).toBe(1);
    expect((await probeInProcess(['--help'])).stdout).toMatch(/probe <mqtt:\/\/host:port>/);
  });
});

describe.skipIf(!mosquittoInstalled())('hearth probe against Mosquitto', () => {
  it('measures QoS 0, 1 and 2 through a real Mosquitto (CLI, JSON output)', CHILD_TIMEOUT, async () => {
    const broker = cleanup.add(await startMosquitto(), (b) => b.stop());
    const run = await probeCli([broker.url, '--count', '10', '--interval', '5', '--json']);
    expect(run.code, `${run.stderr}\n${broker.output()}`).toBe(0);
    expectClean(JSON.parse(run.stdout) as ProbeReport, 10);
  });

  it('the library reports duplicates and losses separately (QoS 1 burst)', async () => {
    const broker = cleanup.add(await startMosquitto(), (b) => b.stop());
    const report = await probeBroker({
      url: broker.url,
      topic: 'probe',
      qos: [1],
      count: 200,
      intervalMs: 0,
      timeoutMs: 5000,
    });
    expect(report.results[0]).toMatchObject({ sent: 200, received: 200, lost: 0, duplicates: 0 });
  });
});

describe('the in-hub probe', () => {
  it('probes the broker at every QoS without an MQTT client, as GET /api/stats shows', async () => {
    const t = cleanup.add(await startTestHub({ overrides: { probeIntervalMs: 100 } }), (h) => h.close());
    const stats = await waitFor(
      async () => {
        const s = (await (await t.api('/api/stats')).json()) as StatsDto;
        return s.probe.every((p) => p.received >= 3) ? s : undefined;
      },
      { what: 'three probes back at every QoS' },
    );
    for (const p of stats.probe) {
      expect(p.sent).toBeGreaterThanOrEqual(p.received);
      expect(p.lost).toBe(0);
      expect(p.min_ms).toBeGreaterThan(0);
      expect(p.p99_ms).toBeGreaterThanOrEqual(p.p50_ms ?? 0);
    }
    // The probe is not a client: nobody is connected.
    expect(t.hub.app.broker.clients).toBe(0);
  });
});
