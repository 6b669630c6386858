/**
 * mDNS discovery for real, in a private network namespace: the host's
 * loopback carries no multicast, so the test runs a child (two hubs
 * advertising, the device SDK discovering and pairing) under `unshare -rn`
 * (or `unshare -n` as root) with multicast routed over the namespace's own
 * loopback. Nothing leaves the namespace. Skipped, saying why, where
 * namespaces are not permitted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DiscoveredHub } from '../../devices/sdk/discovery.ts';

const CHILD = fileURLToPath(new URL('../helpers/mdns-child.ts', import.meta.url));
const NET_SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

/** The unshare flags that work here: a user + network namespace, else a network namespace as root. */
function namespaceFlags(): { flags: string[] | null; why: string } {
  const tries: string[][] = [['-rn']];
  if (process.getuid?.() === 0) tries.push(['-n']);
  const problems: string[] = [];
  for (const flags of tries) {
    const r = spawnSync('unshare', [...flags, 'sh', '-c', NET_SETUP], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return { flags, why: '' };
    problems.push(
      `unshare ${flags.join(' ')}: ${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)}`,
    );
  }
  return { flags: null, why: problems.join('; ') };
}

const ns = namespaceFlags();
if (!ns.flags) {
  console.warn(
    `mDNS tests skipped: no private network namespace here (${ns.why}). They need unshare and ip (util-linux, iproute2) and permission to create namespaces.`,
  );
}

interface Line {
  kind: string;
  value: unknown;
}

function runChild(flags: string[]): Promise<{ lines: Line[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'unshare',
      [...flags, 'sh', '-c', `${NET_SETUP} && exec "$0" --import tsx "$1"`, process.execPath, CHILD],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Bounded: the child stops itself well before this.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line);
      resolve({ lines, code, stderr });
    });
  });
}

describe.skipIf(!ns.flags)('mDNS discovery (in a private network namespace)', () => {
  it('finds each hub with its TXT record, and pairs a device with no URL given, over TLS too', async () => {
    const { lines, code, stderr } = await runChild(ns.flags ?? []);
    const get = <T>(kind: string): T => {
      const line = lines.find((l) => l.kind === kind);
      if (!line)
        throw new Error(`no "${kind}" from the child (exit ${code}): ${JSON.stringify(lines)}\n${stderr}`);
      return line.value as T;
    };
    expect(lines.find((l) => l.kind === 'error')?.value).toBeUndefined();
    const hubs = get<{
      plain: { id: string; http: number; mqtt: number };
      secure: { id: string; http: number; mqtts: number; fingerprint: string };
    }>('hubs');

    const plain = get<DiscoveredHub>('discovered_plain');
    expect(plain).toMatchObject({
      name: `Hearth ${hubs.plain.id}`,
      id: hubs.plain.id,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      host: '127.0.0.1',
      httpPort: hubs.plain.http,
      mqttPort: hubs.plain.mqtt,
      mqttTlsPort: null,
      tlsFingerprint: null,
      mqttUrl: `mqtt://127.0.0.1:${hubs.plain.mqtt}`,
    });

    const secure = get<DiscoveredHub>('discovered_secure');
    expect(secure).toMatchObject({
      id: hubs.secure.id,
      httpPort: hubs.secure.http,
      mqttPort: null,
      mqttTlsPort: hubs.secure.mqtts,
      tlsFingerprint: hubs.secure.fingerprint,
      mqttUrl: `mqtts://127.0.0.1:${hubs.secure.mqtts}`,
    });

    const steps = [
      'discovering',
      'discovered',
      'connecting',
      'hello_sent',
      'waiting',
      'approved',
      'credentials_received',
    ];
    expect(get('paired_plain')).toEqual({
      steps,
      tls_fingerprint: null,
      url: `mqtt://127.0.0.1:${hubs.plain.mqtt}`,
    });
    expect(get('paired_secure')).toEqual({
      steps,
      tls_fingerprint: hubs.secure.fingerprint,
      url: `mqtts://127.0.0.1:${hubs.secure.mqtts}`,
    });
    expect(code).toBe(0);
  }, 120_000);
});
