/**
 * The hub's HTTP API, typed with shared/api.ts. Every response body is
 * validated before use; a failure becomes an HttpError carrying the hub's
 * `{error, message}` (and, for commands, the command as recorded).
 */
import Type from 'typebox';
import {
  type CommandDto,
  CommandErrorSchema,
  CommandSchema,
  type CreateDeviceBody,
  type CreatedDeviceDto,
  CreatedDeviceSchema,
  type DeviceDto,
  DeviceSchema,
  ErrorSchema,
  type HistoryDto,
  type HistoryQuery,
  HistorySchema,
  type PresenceEventDto,
  PresenceEventSchema,
  type RpcBody,
  type UpdateDeviceBody,
} from '../../../shared/api.ts';
import {
  type AuthStatusDto,
  AuthStatusSchema,
  type LoginBody,
  type SetupBody,
} from '../../../shared/auth.ts';
import { type Checker, checker } from '../../../shared/validate.ts';

export class HttpError extends Error {
  /** HTTP status; 0 when the hub could not be reached. */
  readonly status: number;
  /** The hub's machine-readable code, e.g. `device_offline`, or `network` / `bad_response`. */
  readonly code: string;
  /** For command failures (409/502/504): the command as the hub recorded it. */
  readonly command: CommandDto | null;

  constructor(status: number, code: string, message: string, command: CommandDto | null = null) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.command = command;
  }
}

const errorChecker = checker(ErrorSchema);
const commandErrorChecker = checker(CommandErrorSchema);
const deviceChecker = checker(DeviceSchema);
const createdChecker = checker(CreatedDeviceSchema);
const historyChecker = checker(HistorySchema);
const commandChecker = checker(CommandSchema);
const commandListChecker = checker(Type.Array(CommandSchema));
const presenceListChecker = checker(Type.Array(PresenceEventSchema));
const deviceListChecker = checker(Type.Array(DeviceSchema));
const authStatusChecker = checker(AuthStatusSchema);

let onUnauthorized: (message: string) => void = () => {};

/** Who to tell when the hub says the session is over (a 401 outside the auth routes). */
export function setUnauthorizedHandler(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  timeoutMs?: number;
  /** Lets a newer request cancel this one (history while zooming). */
  signal?: AbortSignal | undefined;
}

/** One call to the hub: JSON in, the answer validated with `expect` (null: no body expected). */
export async function request<T>(
  path: string,
  expect: Checker<T> | null,
  options: RequestOptions = {},
): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 15_000),
      ...(options.signal ? [options.signal] : []),
    ]),
  };
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (options.signal?.aborted) throw new HttpError(0, 'aborted', 'cancelled');
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    throw new HttpError(
      0,
      'network',
      timedOut ? 'the hub did not answer in time' : 'the hub cannot be reached',
    );
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(
        res.status,
        'bad_response',
        `the hub answered ${res.status} with a body that is not JSON`,
      );
    }
  }
  if (res.status === 401 && !path.startsWith('/api/auth/')) {
    const message = errorChecker.check(body) ? body.message : 'log in again';
    onUnauthorized(message);
    throw new HttpError(401, 'unauthorized', message);
  }
  if (!res.ok) {
    if (commandErrorChecker.check(body)) {
      throw new HttpError(res.status, body.error, body.message, body.command);
    }
    if (errorChecker.check(body)) throw new HttpError(res.status, body.error, body.message);
    throw new HttpError(res.status, 'http_error', `the hub answered ${res.status} ${res.statusText}`);
  }
  if (expect === null) return undefined as T;
  const parsed = expect.parse(body);
  if (!parsed.ok) throw new HttpError(res.status, 'bad_response', `unexpected answer: ${parsed.error}`);
  return parsed.value;
}

const devicePath = (id: string) => `/api/devices/${encodeURIComponent(id)}`;

/** The hub's HTTP API. */
export const http = {
  authStatus: (): Promise<AuthStatusDto> => request('/api/auth/status', authStatusChecker),
  setup: (body: SetupBody): Promise<void> => request('/api/auth/setup', null, { method: 'POST', body }),
  login: (body: LoginBody): Promise<void> => request('/api/auth/login', null, { method: 'POST', body }),
  logout: (): Promise<void> => request('/api/auth/logout', null, { method: 'POST' }),

  listDevices: (): Promise<DeviceDto[]> => request('/api/devices', deviceListChecker),

  createDevice: (body: CreateDeviceBody): Promise<CreatedDeviceDto> =>
    request('/api/devices', createdChecker, { method: 'POST', body }),

  updateDevice: (id: string, body: UpdateDeviceBody): Promise<DeviceDto> =>
    request(devicePath(id), deviceChecker, { method: 'PATCH', body }),

  removeDevice: (id: string): Promise<void> => request(devicePath(id), null, { method: 'DELETE' }),

  history: (id: string, q: HistoryQuery, signal?: AbortSignal): Promise<HistoryDto> => {
    const params = new URLSearchParams({ metric: q.metric, from: String(q.from), to: String(q.to) });
    if (q.points !== undefined) params.set('points', String(q.points));
    return request(`${devicePath(id)}/history?${params}`, historyChecker, { signal });
  },

  /** Sends a command; resolves with the command on 200, throws HttpError (with `command`) otherwise. */
  rpc: (id: string, body: RpcBody): Promise<CommandDto> =>
    request(`${devicePath(id)}/rpc`, commandChecker, {
      method: 'POST',
      body,
      // The hub answers by the command's own timeout; leave room for it.
      timeoutMs: (body.timeout_ms ?? 5000) + 10_000,
    }),

  commands: (id: string, limit = 50): Promise<CommandDto[]> =>
    request(`${devicePath(id)}/commands?limit=${limit}`, commandListChecker),

  presence: (id: string, since?: number): Promise<PresenceEventDto[]> =>
    request(`${devicePath(id)}/presence${since === undefined ? '' : `?since=${since}`}`, presenceListChecker),
};

/** The people-facing reason of a failed call. */
export function errorMessage(err: unknown): string {
  if (err instanceof HttpError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
