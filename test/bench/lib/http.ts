/**
 * A small keep-alive JSON client over node:http. fetch (undici) costs the
 * client noticeably more per request; the round trips measured here should
 * be the hub's, not the client's.
 */
import { Agent, request } from 'node:http';

export interface HttpResult {
  status: number;
  body: unknown;
  /** Time from sending the request to the last byte of the response, ms. */
  ms: number;
  /** `name=value` of each Set-Cookie. */
  cookies: string[];
}

export class Http {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** Sent with every request (the owner's session cookie). */
  readonly headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  call(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<HttpResult> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: payload
            ? {
                ...this.headers,
                'content-type': 'application/json',
                'content-length': String(payload.length),
              }
            : this.headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text.length > 0 ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text for the error message
            }
            const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? '');
            resolve({ status: res.statusCode ?? 0, body: parsed, ms, cookies });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `call`, but throws unless the status is `expect`. */
  async ok(method: string, path: string, body?: unknown, expect = 200): Promise<HttpResult> {
    const res = await this.call(method, path, body);
    if (res.status !== expect) {
      throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Reads a nested property without `any`: `prop(body, 'mqtt', 'devices_online')`. */
export function prop(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A numeric property, or `fallback`. */
export function num(value: unknown, path: string[], fallback = 0): number {
  const v = prop(value, ...path);
  return typeof v === 'number' ? v : fallback;
}
