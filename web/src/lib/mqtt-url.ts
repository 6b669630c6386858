/** MQTT connection details for people and for `mosquitto_sub`, from the hub's `mqtt_url`. */
import { TOPIC_FILTER_PATTERN } from '../../../shared/auth.ts';

export interface MqttEndpoint {
  tls: boolean;
  host: string;
  port: number;
}

/** `mqtts://hub.local:8883` → `{ tls: true, host: 'hub.local', port: 8883 }`; null if it is not an MQTT URL. */
export function parseMqttUrl(url: string): MqttEndpoint | null {
  const m = /^(mqtts?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(url);
  if (!m?.[1] || !m[2]) return null;
  const tls = m[1] === 'mqtts';
  return { tls, host: m[2], port: m[3] ? Number(m[3]) : tls ? 8883 : 1883 };
}

const quote = (s: string) => (/^[A-Za-z0-9_./:@=+#-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** What an integration needs to connect, as copyable text. */
export function connectionDetails(
  url: string,
  username: string,
  password: string,
  patterns: string[],
): string {
  const ep = parseMqttUrl(url);
  const lines = [
    `URL:      ${url}`,
    ...(ep ? [`Host:     ${ep.host}`, `Port:     ${ep.port}`, `TLS:      ${ep.tls ? 'yes' : 'no'}`] : []),
    `Username: ${username}`,
    `Password: ${password}`,
    `Topics:   ${patterns.join(' ')}`,
  ];
  if (ep) {
    const topics = patterns.map((p) => `-t ${quote(p)}`).join(' ');
    const tls = ep.tls ? ' --cafile hub-cert.pem' : '';
    lines.push(
      '',
      `mosquitto_sub -h ${quote(ep.host)} -p ${ep.port}${tls} -u ${quote(username)} -P ${quote(password)} ${topics} -v`,
    );
  }
  return lines.join('\n');
}

const filterRe = new RegExp(TOPIC_FILTER_PATTERN);

/** Topic patterns from a textarea (one per line or separated by spaces), and the ones that are not valid filters. */
export function parsePatterns(text: string): { patterns: string[]; invalid: string[] } {
  const patterns = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return { patterns, invalid: patterns.filter((p) => !filterRe.test(p) || p.length > 256) };
}
