/**
 * The pairing service's state machine on a fake clock and scheduler, with the
 * real device registry (SQLite in a temp dir) and a transport that records
 * what each session was told.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, databasePath, openDatabase } from '../../server/db/database.ts';
import { createDeviceRepo } from '../../server/db/device-repo.ts';
import { createDeviceService, type DeviceService } from '../../server/domain/device-service.ts';
import { HearthError } from '../../server/domain/errors.ts';
import { EventBus } from '../../server/domain/event-bus.ts';
import { silentLogger } from '../../server/domain/logger.ts';
import {
  CodeMismatchError,
  createPairingService,
  type PairingService,
  type PairingTransport,
} from '../../server/domain/pairing-service.ts';
import type { PairingCredentials, PairingHello, PairingStatus } from '../../shared/pairing.ts';
import { tempDir } from '../helpers/hub.ts';
import { ManualTime } from '../helpers/manual-time.ts';

const T0 = Date.UTC(2025, 0, 6, 12);
const NONCE = 'abcdefghijklmnop';
const OTHER = 'qrstuvwxyz234567';
const hello = (code = '123456'): PairingHello => ({
  code,
  description: {
    model: 'unit-heater',
    firmware: '1.0.0',
    metrics: [{ name: 'temperature', unit: '°C' }],
    controls: [],
    methods: [],
  },
});

/** Records every message per nonce; `gone` nonces fail delivery as a closed connection would. */
class RecordingTransport implements PairingTransport {
  readonly sent: { nonce: string; kind: string; payload: PairingStatus | PairingCredentials }[] = [];
  readonly closed: string[] = [];
  readonly gone = new Set<string>();
  async send(nonce: string, kind: 'status' | 'credentials', payload: PairingStatus | PairingCredentials) {
    if (this.gone.has(nonce)) throw new Error('the device is no longer connected');
    this.sent.push({ nonce, kind, payload });
  }
  close(nonce: string): void {
    this.closed.push(nonce);
  }
  statuses(nonce: string): PairingStatus[] {
    return this.sent
      .filter((m) => m.nonce === nonce && m.kind === 'status')
      .map((m) => m.payload as PairingStatus);
  }
  last(nonce: string): PairingStatus | undefined {
    return this.statuses(nonce).at(-1);
  }
}

describe('pairing service', () => {
  let dir: string;
  let db: Db;
  let time: ManualTime;
  let bus: EventBus;
  let devices: DeviceService;
  let transport: RecordingTransport;
  let pairing: PairingService;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(databasePath(dir));
    time = new ManualTime(T0);
    bus = new EventBus(silentLogger);
    devices = createDeviceService({
      repo: createDeviceRepo(db),
      bus,
      clock: time.clock,
      endpoints: () => ({ mqttUrl: 'mqtt://hub.local:1883', wsUrl: 'ws://hub.local:8080/mqtt' }),
    });
    devices.start();
    transport = new RecordingTransport();
    pairing = createPairingService({
      clock: time.clock,
      scheduler: time,
      bus,
      log: silentLogger,
      devices,
      tlsFingerprint: () => 'AB:CD',
      limits: { maxPending: 2, sessionTimeoutMs: 120_000 },
    });
    pairing.setTransport(transport);
    pairing.start();
  });

  afterEach(() => {
    pairing.stop();
    devices.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A device connects and says hello. */
  const arrive = (nonce = NONCE, code = '123456') => {
    pairing.connected(nonce);
    pairing.hello(nonce, hello(code));
  };
  const session = (nonce = NONCE) => pairing.state().sessions.find((s) => s.nonce === nonce);
  const steps = (nonce = NONCE) => session(nonce)?.steps.map((s) => s.step);

  it('refuses a hello outside a window, with the reason, and lets the same device retry once it opens', () => {
    arrive();
    expect(transport.last(NONCE)).toMatchObject({ state: 'refused', reason: 'window_closed' });
    expect(session()).toMatchObject({ state: 'refused', reason: 'window_closed' });
    time.advance(5000);
    expect(transport.closed).toEqual([NONCE]);

    pairing.openWindow();
    pairing.hello(NONCE, hello());
    expect(transport.last(NONCE)).toMatchObject({ state: 'waiting' });
    expect(session()?.state).toBe('waiting');
  });

  it('opens a window for 180 s by default, closes it by itself, and expires waiting sessions then', () => {
    const opened = pairing.openWindow();
    expect(opened.window).toEqual({ open: true, opened_at: T0, closes_at: T0 + 180_000 });
    time.advance(100_000);
    arrive();
    // The session's own timeout (120 s) would end later than the window: the window wins.
    expect(session()?.expires_at).toBe(T0 + 180_000);
    time.advance(80_000);
    expect(pairing.state().window.open).toBe(false);
    expect(session()).toMatchObject({ state: 'expired', reason: 'timed_out' });
    expect(transport.last(NONCE)).toMatchObject({ state: 'expired', reason: 'timed_out' });
    expect(time.pending).toBe(1); // only the linger timer that closes the connection
    time.advance(5000);
    expect(transport.closed).toContain(NONCE);
    expect(time.pending).toBe(0);
  });

  it('expires a waiting session after its own timeout while the window stays open', () => {
    pairing.openWindow(900);
    arrive();
    time.advance(119_999);
    expect(session()?.state).toBe('waiting');
    time.advance(1);
    expect(session()).toMatchObject({ state: 'expired', reason: 'timed_out' });
    expect(pairing.state().window.open).toBe(true);
  });

  it('closes the window early on request: waiting sessions time out', () => {
    pairing.openWindow();
    arrive();
    const closed = pairing.closeWindow();
    expect(closed.window.open).toBe(false);
    expect(session()).toMatchObject({ state: 'expired', reason: 'timed_out' });
    expect(session()?.message).toMatch(/window was closed/);
  });

  it('refuses more waiting sessions than the limit', () => {
    pairing.openWindow();
    arrive(NONCE);
    arrive(OTHER);
    arrive('twentysixletters234567abcd');
    expect(transport.last('twentysixletters234567abcd')).toMatchObject({
      state: 'refused',
      reason: 'too_many_sessions',
    });
  });

  it('answers a repeated hello with the status again, without a second session', () => {
    pairing.openWindow();
    arrive();
    pairing.hello(NONCE, hello('999999'));
    expect(transport.statuses(NONCE).map((s) => s.state)).toEqual(['waiting', 'waiting']);
    expect(pairing.state().sessions).toHaveLength(1);
    expect(session()?.code).toBe('123456');
  });

  it('refuses an invalid hello with the reason', () => {
    pairing.openWindow();
    pairing.connected(NONCE);
    pairing.invalidHello(NONCE, '/code: must match pattern');
    expect(transport.last(NONCE)).toMatchObject({ state: 'refused', reason: 'invalid_hello' });
  });

  it('approves with the right code: mints a device, hands the credentials to that session only, then sees it connect', async () => {
    pairing.openWindow();
    arrive();
    arrive(OTHER, '654321');
    const { session: approved, deviceId } = await pairing.approve(NONCE, {
      code: '123456',
      name: ' Hall heater ',
      room: 'Hall',
    });
    expect(approved.state).toBe('approved');
    expect(devices.get(deviceId)).toMatchObject({ name: 'Hall heater', room: 'Hall' });
    // The hello's description is known at once, before the device connects.
    expect(devices.get(deviceId).description?.model).toBe('unit-heater');
    const credentials = transport.sent.filter((m) => m.kind === 'credentials');
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.nonce).toBe(NONCE);
    const creds = credentials[0]?.payload as PairingCredentials;
    expect(creds).toMatchObject({ device_id: deviceId, username: deviceId, tls_fingerprint: 'AB:CD' });
    expect(await devices.verify(deviceId, creds.password)).toBe(true);
    expect(transport.last(NONCE)?.state).toBe('approved');
    expect(steps()).toEqual(['hello', 'approved', 'credentials_sent']);

    devices.recordPresence(deviceId, {
      status: 'online',
      reason: 'connected',
      detail: null,
      since: time.now,
    });
    expect(session()?.state).toBe('paired');
    expect(steps()).toEqual(['hello', 'approved', 'credentials_sent', 'connected']);
    expect(session(OTHER)?.state).toBe('waiting');
    // Approving twice is a conflict, not a second device.
    await expect(pairing.approve(NONCE, { code: '123456', name: 'Again' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(devices.list()).toHaveLength(1);
  });

  it('keeps the session on a wrong code, and rejects it after three', async () => {
    pairing.openWindow();
    arrive();
    for (const left of [2, 1]) {
      const err = await pairing.approve(NONCE, { code: '000000', name: 'X' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodeMismatchError);
      expect((err as CodeMismatchError).message).toContain(`${left} left`);
      expect(session()).toMatchObject({ state: 'waiting', code_attempts: 3 - left });
    }
    const third = await pairing.approve(NONCE, { code: '000000', name: 'X' }).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(CodeMismatchError);
    expect(session()).toMatchObject({ state: 'rejected', reason: 'code_mismatch', code_attempts: 3 });
    expect(transport.last(NONCE)).toMatchObject({ state: 'rejected', reason: 'code_mismatch' });
    expect(steps()).toEqual(['hello', 'code_mismatch', 'code_mismatch', 'rejected']);
    // The right code comes too late now.
    await expect(pairing.approve(NONCE, { code: '123456', name: 'X' })).rejects.toBeInstanceOf(HearthError);
    expect(devices.list()).toHaveLength(0);
  });

  it('rejects on request, and tells the device', () => {
    pairing.openWindow();
    arrive();
    expect(pairing.reject(NONCE)).toMatchObject({ state: 'rejected', reason: 'rejected' });
    expect(transport.last(NONCE)).toMatchObject({ state: 'rejected', reason: 'rejected' });
    expect(() => pairing.reject(NONCE)).toThrow(HearthError);
    expect(() => pairing.reject(OTHER)).toThrow(/not found/);
  });

  it('ends a waiting session whose device disconnects, and leaves no device when delivery fails', async () => {
    pairing.openWindow();
    arrive();
    pairing.disconnected(NONCE);
    expect(session()).toMatchObject({ state: 'expired', reason: 'disconnected' });

    arrive(OTHER);
    transport.gone.add(OTHER);
    await expect(pairing.approve(OTHER, { code: '123456', name: 'Lost' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(session(OTHER)).toMatchObject({ state: 'expired', reason: 'delivery_failed', device_id: null });
    expect(devices.list()).toHaveLength(0);
  });

  it('removes the minted device when the device leaves while it is being added', async () => {
    pairing.openWindow();
    arrive();
    const approving = pairing.approve(NONCE, { code: '123456', name: 'Racer' });
    pairing.disconnected(NONCE);
    await expect(approving).rejects.toMatchObject({ code: 'conflict' });
    expect(session()).toMatchObject({ state: 'expired', reason: 'disconnected' });
    expect(devices.list()).toHaveLength(0);
  });

  it('closes a pairing connection that never says hello', () => {
    pairing.connected(NONCE);
    time.advance(30_000);
    expect(transport.closed).toEqual([NONCE]);
  });

  it('announces every change, and keeps only the newest finished sessions', () => {
    const seen: string[] = [];
    pairing.onChange((s) => seen.push(s.window.open ? 'open' : 'closed'));
    pairing.openWindow(60);
    pairing.closeWindow();
    expect(seen).toEqual(['open', 'closed']);
    for (let i = 0; i < 30; i++)
      arrive(`${'a'.repeat(14)}${String.fromCharCode(97 + (i % 26))}${i < 26 ? 'b' : 'c'}`);
    expect(pairing.state().sessions).toHaveLength(20);
  });

  it('rejects a window longer than 900 s', () => {
    expect(() => pairing.openWindow(901)).toThrow(HearthError);
  });

  it('stops cleanly: the window closes, waiting sessions end, no timer is left', () => {
    pairing.openWindow();
    arrive();
    pairing.stop();
    expect(session()).toMatchObject({ state: 'expired', reason: 'hub_shutdown' });
    expect(time.pending).toBe(0);
  });
});
