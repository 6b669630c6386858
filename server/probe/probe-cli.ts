/**
 * `npm run hearth -- probe <url> [options]`: measures MQTT round trips
 * against any broker and prints min / median / p95 / p99 and loss per QoS
 * (or JSON). Exit code 0: every QoS got messages back; 1: bad usage, or a
 * QoS lost every message; 2: could not connect or subscribe.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ProbeConnectError,
  type ProbeOptions,
  type ProbeReport,
  probeBroker,
  type Qos,
} from './mqtt-probe.ts';

export const PROBE_USAGE = `Measure MQTT round trips against a broker (Hearth, Mosquitto, …).

Usage:
  npm run hearth -- probe <mqtt://host:port> [options]

Options:
  --topic <base>       base topic (default "probe"); probes use <base>/<client id>/<qos>
  --qos <list>         QoS levels to probe, e.g. 1 or 0,1,2 (default 0,1,2)
  --count <n>          messages per QoS (default 20)
  --interval <ms>      pause between messages (default 100)
  --timeout <ms>       how long to wait for stragglers, and to connect (default 5000)
  --username <name>    MQTT username
  --password=<secret> MQTT password (write it with =: a secret may start with '-')
  --cafile <file.pem>  trust this CA for mqtts:// or wss://
  --insecure           accept any server certificate
  --client-id <id>     MQTT client id (default hearth-probe-<random>)
  --json               print the report as JSON
  -h, --help           show this help

Against Hearth, use an integration account allowed to read and write the
probe topics (POST /api/integrations with {"username": "probe", "patterns":
["probe/#"], "access": "readwrite"}).

Exit code: 0 ok; 1 bad usage, or every message of a QoS lost; 2 could not
connect or subscribe.
`;

const options = {
  topic: { type: 'string' },
  qos: { type: 'string' },
  count: { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  cafile: { type: 'string' },
  insecure: { type: 'boolean' },
  'client-id': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

function qosList(value: string | undefined): Qos[] {
  if (value === undefined) return [0, 1, 2];
  const list = value.split(',').map((q) => q.trim());
  if (list.length === 0 || list.some((q) => q !== '0' && q !== '1' && q !== '2')) {
    throw new UsageError(`--qos takes 0, 1 and/or 2 separated by commas, not "${value}"`);
  }
  return [...new Set(list.map((q) => Number(q) as Qos))];
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true });
  } catch (err) {
    // Unknown flags, a missing value: parseArgs says which.
    throw new UsageError((err as Error).message);
  }
}

/** Parses argv into probe options; throws UsageError. */
export function parseProbeArgs(argv: string[]): (ProbeOptions & { json: boolean }) | 'help' {
  const { values: v, positionals } = parse(argv);
  if (v.help) return 'help';
  const [url, extra] = positionals;
  if (url === undefined) throw new UsageError('missing the broker URL, e.g. mqtt://localhost:1883');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (!/^(mqtts?|wss?):\/\/[^/]/.test(url)) {
    throw new UsageError(`the URL must start with mqtt://, mqtts://, ws:// or wss://, not "${url}"`);
  }
  const topic = v.topic ?? 'probe';
  if (topic.length === 0 || /[#+]/.test(topic))
    throw new UsageError('--topic must be a topic without wildcards');
  let ca: Buffer | undefined;
  if (v.cafile !== undefined) {
    try {
      ca = readFileSync(v.cafile);
    } catch (err) {
      throw new UsageError(`cannot read --cafile: ${(err as Error).message}`);
    }
  }
  return {
    url,
    topic,
    qos: qosList(v.qos),
    count: integer(v.count, 'count', 20, 1, 100_000),
    intervalMs: integer(v.interval, 'interval', 100, 0, 3_600_000),
    timeoutMs: integer(v.timeout, 'timeout', 5000, 100, 600_000),
    ...(v.username === undefined ? {} : { username: v.username }),
    ...(v.password === undefined ? {} : { password: v.password }),
    ...(ca ? { ca } : {}),
    insecure: v.insecure ?? false,
    ...(v['client-id'] === undefined ? {} : { clientId: v['client-id'] }),
    json: v.json ?? false,
  };
}

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(2));

/** The report as a table for people. */
export function formatReport(r: ProbeReport): string[] {
  const header = ['QoS', 'sent', 'recv', 'loss', 'min', 'median', 'p95', 'p99', 'max (ms)'];
  const rows = r.results.map((q) => [
    String(q.qos),
    String(q.sent),
    String(q.received),
    `${q.loss_pct.toFixed(1)}%`,
    ms(q.min_ms),
    ms(q.median_ms),
    ms(q.p95_ms),
    ms(q.p99_ms),
    ms(q.max_ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const dups = r.results.filter((q) => q.duplicates > 0).map((q) => `QoS ${q.qos}: ${q.duplicates}`);
  return [
    `${r.url}: ${r.count} messages per QoS every ${r.interval_ms} ms on ${r.topic}/<qos>`,
    line(header),
    ...rows.map(line),
    ...(dups.length > 0 ? [`duplicates: ${dups.join(', ')}`] : []),
  ];
}

/** Runs the probe command; returns the exit code. */
export async function runProbeCli(
  argv: string[],
  out: (line?: string) => void,
  err: (line?: string) => void,
): Promise<number> {
  let opts: ReturnType<typeof parseProbeArgs>;
  try {
    opts = parseProbeArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`error: ${e.message}`);
    err('Run `npm run hearth -- probe --help` for usage.');
    return 1;
  }
  if (opts === 'help') {
    out(PROBE_USAGE);
    return 0;
  }
  let report: ProbeReport;
  try {
    report = await probeBroker(opts);
  } catch (e) {
    if (!(e instanceof ProbeConnectError)) throw e;
    if (opts.json) out(JSON.stringify({ url: opts.url, error: e.message }));
    err(`error: ${e.message}`);
    return 2;
  }
  if (opts.json) out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) out(line);
  const dead = report.results.filter((q) => q.received === 0).map((q) => q.qos);
  if (dead.length > 0) {
    err(`error: every message lost at QoS ${dead.join(', ')}`);
    return 1;
  }
  return 0;
}
