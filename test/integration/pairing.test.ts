/**
 * Pairing against a real hub: the SDK's pairDevice over real MQTT, the
 * dashboard's API (window, approve with the code, reject), the device
 * reconnecting with what it was given, every refusal with its reason, and
 * the ACL of a pairing connection.
 */
import type mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairingError, type PairingProgress, pairDevice } from '../../devices/sdk/pairing.ts';
import type { CreatedIntegrationDto } from '../../shared/auth.ts';
import type { ApprovedDto, PairingSessionDto, PairingStateDto } from '../../shared/pairing.ts';
import { pairingFilter, pairingTopic, topics } from '../../shared/topics.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connackRefusal, connectRaw, type RawClient, subackCodes } from '../helpers/mqtt-clients.ts';
import { counter, getDevice, retained } from '../helpers/probes.ts';
import { HEATER_DESCRIPTION, startTestHeater } from '../helpers/test-heater.ts';
import { waitFor } from '../helpers/wait.ts';

const IDENTIFIER_REJECTED = 2;
const SUBACK_FAILURE = 128;

describe('pairing', () => {
  let t: TestHub;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
  });
  afterEach(() => cleanup.run());

  const state = async (): Promise<PairingStateDto> =>
    (await (await t.api('/api/pairing')).json()) as PairingStateDto;
  const openWindow = async (duration_s?: number) => {
    const res = await t.api('/api/pairing/window', {
      method: 'POST',
      body: duration_s ? { duration_s } : {},
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PairingStateDto;
  };
  const approve = (nonce: string, body: { code: string; name: string; room?: string }) =>
    t.api(`/api/pairing/sessions/${nonce}/approve`, { method: 'POST', body });
  /** The one session waiting, once it is there. */
  const waiting = () =>
    waitFor(async () => (await state()).sessions.find((s) => s.state === 'waiting'), {
      what: 'a waiting session',
    });

  /** Starts pairing in the background, recording each step. */
  function startPairing(name?: string) {
    const progress: PairingProgress['step'][] = [];
    let code = '';
    const result = pairDevice({
      url: t.mqttUrl,
      description: HEATER_DESCRIPTION,
      ...(name ? { name } : {}),
      timeoutMs: 20_000,
      onCode: (c) => {
        code = c;
      },
      onStatus: (p) => progress.push(p.step),
    });
    // Observed by the test; this keeps an early failure from being an unhandled rejection meanwhile.
    result.catch(() => {});
    return { result, progress, code: () => code };
  }

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('pairing succeeded');
      },
      (err: unknown) => {
        expect(err).toBeInstanceOf(PairingError);
        return err as PairingError;
      },
    );

  it('pairs a device: hello with a code, approval with that code, credentials to it alone, then it is live', async () => {
    const opened = await openWindow();
    expect(opened.window.open).toBe(true);
    expect(opened.window.closes_at).toBe((opened.window.opened_at ?? 0) + 180_000);

    const pairing = startPairing('Hall heater');
    const session = await waiting();
    expect(session.code).toBe(pairing.code());
    expect(session.code).toMatch(/^\d{6}$/);
    expect(session.description?.model).toBe(HEATER_DESCRIPTION.model);
    expect(session.suggested_name).toBe('Hall heater');

    const res = await approve(session.nonce, { code: pairing.code(), name: 'Hall heater', room: 'Hall' });
    expect(res.status).toBe(200);
    const approved = (await res.json()) as ApprovedDto;
    const creds = await pairing.result;
    expect(creds.device_id).toBe(approved.device_id);
    expect(creds.username).toBe(approved.device_id);
    expect(creds.mqtt_url).toBe(t.mqttUrl);
    expect(creds.tls_fingerprint).toBeUndefined();
    expect(pairing.progress).toEqual([
      'connecting',
      'hello_sent',
      'waiting',
      'approved',
      'credentials_received',
    ]);

    const device = await getDevice(t, creds.device_id);
    expect(device).toMatchObject({ name: 'Hall heater', room: 'Hall' });

    // The device reconnects with what it was given and appears live.
    const heater = cleanup.add(
      await startTestHeater({ url: creds.mqtt_url, id: creds.device_id, password: creds.password }),
      (h) => h.stop(),
    );
    expect(heater.device.connected).toBe(true);
    await waitFor(async () => (await getDevice(t, creds.device_id)).presence.status === 'online', {
      what: 'the paired device online',
    });
    const done = await waitFor(
      async () => (await state()).sessions.find((s) => s.nonce === session.nonce && s.state === 'paired'),
      { what: 'the session paired' },
    );
    expect(done.steps.map((s) => s.step)).toEqual(['hello', 'approved', 'credentials_sent', 'connected']);
    // Credentials are never kept by the broker.
    expect(await retained(t, pairingTopic(session.nonce, 'credentials'))).toBeUndefined();
    expect(await retained(t, pairingTopic(session.nonce, 'status'))).toBeUndefined();
  });

  it('refuses pairing outside a window, with the reason', async () => {
    const err = await failure(startPairing().result);
    expect(err.reason).toBe('window_closed');
    expect(err.message).toMatch(/no pairing window is open/);
    const [session] = (await state()).sessions;
    expect(session).toMatchObject({ state: 'refused', reason: 'window_closed' });
  });

  it('tells a rejected device so', async () => {
    await openWindow();
    const pairing = startPairing();
    const session = await waiting();
    const res = await t.api(`/api/pairing/sessions/${session.nonce}/reject`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as PairingSessionDto).state).toBe('rejected');
    const err = await failure(pairing.result);
    expect(err.reason).toBe('rejected');
    expect(await (await t.api('/api/devices')).json()).toEqual([]);
  });

  it('keeps the session on a wrong code (409 code_mismatch), and rejects it after three', async () => {
    await openWindow();
    const pairing = startPairing();
    const session = await waiting();
    const wrong = pairing.code() === '000000' ? '111111' : '000000';
    for (const attempt of [1, 2]) {
      const res = await approve(session.nonce, { code: wrong, name: 'Nope' });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: 'code_mismatch' });
      const now = (await state()).sessions.find((s) => s.nonce === session.nonce);
      expect(now).toMatchObject({ state: 'waiting', code_attempts: attempt });
    }
    const third = await approve(session.nonce, { code: wrong, name: 'Nope' });
    expect(third.status).toBe(409);
    expect(await third.json()).toMatchObject({ error: 'code_mismatch' });
    const err = await failure(pairing.result);
    expect(err.reason).toBe('code_mismatch');
    // Too late for the right code; no device was made.
    expect((await approve(session.nonce, { code: pairing.code(), name: 'Nope' })).status).toBe(409);
    expect(await (await t.api('/api/devices')).json()).toEqual([]);
  });

  it('times a waiting session out when the window closes', async () => {
    await openWindow();
    const pairing = startPairing();
    const session = await waiting();
    const closed = await t.api('/api/pairing/window', { method: 'DELETE' });
    expect(((await closed.json()) as PairingStateDto).window.open).toBe(false);
    const err = await failure(pairing.result);
    expect(err.reason).toBe('timed_out');
    expect(err.message).toMatch(/window was closed/);
    const now = (await state()).sessions.find((s) => s.nonce === session.nonce);
    expect(now).toMatchObject({ state: 'expired', reason: 'timed_out' });
  });

  it('answers the pairing API only to the owner, and checks its input', async () => {
    expect((await t.api('/api/pairing', { auth: false })).status).toBe(401);
    expect((await t.api('/api/pairing/window', { method: 'POST', body: {}, auth: false })).status).toBe(401);
    const tooLong = await t.api('/api/pairing/window', { method: 'POST', body: { duration_s: 901 } });
    expect(tooLong.status).toBe(400);
    expect((await approve('notanonce', { code: '123456', name: 'X' })).status).toBe(400);
    expect((await approve('abcdefghijklmnopqrst', { code: '123456', name: 'X' })).status).toBe(404);
  });

  describe('a pairing connection', () => {
    const NONCE_A = 'aaaaaaaaaaaaaaaaaaaa';
    const NONCE_B = 'bbbbbbbbbbbbbbbbbbbb';
    const pairingOptions = (
      nonce: string,
      extra: Partial<mqtt.IClientOptions> = {},
    ): mqtt.IClientOptions => ({
      clientId: `pair-${nonce}`,
      username: 'pairing',
      protocolVersion: 4,
      clean: true,
      ...extra,
    });
    const hello = (code: string) => JSON.stringify({ code, description: HEATER_DESCRIPTION });

    const raw = async (nonce: string): Promise<RawClient> =>
      cleanup.add(await connectRaw(t.mqttUrl, pairingOptions(nonce)), (c) => c.end());

    it('may touch only its own hearth/pairing/<nonce>/… topics', async () => {
      const a = await raw(NONCE_A);
      const refusedBefore = await counter(t, 'mqtt_refused_subscribe');
      const refused = [
        pairingFilter(NONCE_B),
        pairingTopic(NONCE_B, 'credentials'),
        'hearth/pairing/+/credentials',
        'hearth/pairing/#',
        'hearth/#',
        '#',
        topics.rpc('some-device'),
      ];
      for (const filter of refused)
        expect(await subackCodes(a.client, filter), filter).toEqual([SUBACK_FAILURE]);
      expect(await counter(t, 'mqtt_refused_subscribe')).toBe(refusedBefore + refused.length);
      expect(await subackCodes(a.client, pairingFilter(NONCE_A))).toEqual([1]);

      const deniedBefore = await counter(t, 'mqtt_dropped_acl_denied');
      await a.client.publishAsync(pairingTopic(NONCE_B, 'hello'), hello('123456'), { qos: 1 });
      await a.client.publishAsync(pairingTopic(NONCE_A, 'status'), '{"state":"approved","message":"x"}', {
        qos: 1,
      });
      await a.client.publishAsync(topics.telemetry('some-device'), '{"temperature":1}', { qos: 1 });
      expect(await counter(t, 'mqtt_dropped_acl_denied')).toBe(deniedBefore + 3);
      // None of it made a session.
      expect((await state()).sessions).toEqual([]);
      expect(a.client.connected).toBe(true);
    });

    it("never sees another session's credentials, nor does an integration account holding #", async () => {
      const res = await t.api('/api/integrations', {
        method: 'POST',
        body: { username: 'watcher', patterns: ['#'], access: 'read' },
      });
      const watcher = (await res.json()) as CreatedIntegrationDto;
      const w = cleanup.add(
        await connectRaw(t.mqttUrl, {
          username: 'watcher',
          password: watcher.password,
          clientId: 'watcher-1',
        }),
        (c) => c.end(),
      );
      expect(await subackCodes(w.client, '#')).toEqual([1]);
      const seenByWatcher: string[] = [];
      w.client.on('message', (topic) => {
        if (topic.startsWith('hearth/pairing/')) seenByWatcher.push(topic);
      });

      await openWindow();
      const a = await raw(NONCE_A);
      await a.client.subscribeAsync(pairingFilter(NONCE_A), { qos: 1 });
      const seenByA: string[] = [];
      a.client.on('message', (topic) => seenByA.push(topic));
      await a.client.publishAsync(pairingTopic(NONCE_A, 'hello'), hello('111111'), { qos: 1 });

      const b = await raw(NONCE_B);
      await b.client.subscribeAsync(pairingFilter(NONCE_B), { qos: 1 });
      const credsB = new Promise<string>((resolve) =>
        b.client.on('message', (topic, payload) => {
          if (topic === pairingTopic(NONCE_B, 'credentials')) resolve(payload.toString());
        }),
      );
      await b.client.publishAsync(pairingTopic(NONCE_B, 'hello'), hello('222222'), { qos: 1 });
      await waitFor(async () => (await state()).sessions.filter((s) => s.state === 'waiting').length === 2, {
        what: 'two waiting sessions',
      });
      expect((await approve(NONCE_B, { code: '222222', name: 'B' })).status).toBe(200);
      const delivered = JSON.parse(await credsB) as { device_id: string; password: string };
      expect(delivered.password.length).toBeGreaterThan(10);

      // A marker after the credentials: A hears its own next status, and nothing of B's.
      expect((await t.api(`/api/pairing/sessions/${NONCE_A}/reject`, { method: 'POST' })).status).toBe(200);
      await waitFor(() => seenByA.length >= 2, { what: "A's statuses" });
      expect(seenByA).toEqual([pairingTopic(NONCE_A, 'status'), pairingTopic(NONCE_A, 'status')]);
      expect(seenByWatcher).toEqual([]);
      expect(await retained(t, pairingTopic(NONCE_B, 'credentials'))).toBeUndefined();
    });

    it('is refused at CONNECT only for a bad client id, a persistent session or a nonce in use', async () => {
      expect(await connackRefusal(t.mqttUrl, pairingOptions('short'))).toBe(IDENTIFIER_REJECTED);
      expect(await connackRefusal(t.mqttUrl, { ...pairingOptions(NONCE_A), clientId: 'someone' })).toBe(
        IDENTIFIER_REJECTED,
      );
      expect(await connackRefusal(t.mqttUrl, pairingOptions(NONCE_A, { clean: false }))).toBe(
        IDENTIFIER_REJECTED,
      );
      await raw(NONCE_A);
      expect(await connackRefusal(t.mqttUrl, pairingOptions(NONCE_A))).toBe(IDENTIFIER_REJECTED);
    });

    it('is told why an invalid hello is refused', async () => {
      await openWindow();
      const a = await raw(NONCE_A);
      await a.client.subscribeAsync(pairingFilter(NONCE_A), { qos: 1 });
      const status = new Promise<string>((resolve) =>
        a.client.on('message', (_t, p) => resolve(p.toString())),
      );
      await a.client.publishAsync(pairingTopic(NONCE_A, 'hello'), '{"code":"12"}', { qos: 1 });
      expect(JSON.parse(await status)).toMatchObject({ state: 'refused', reason: 'invalid_hello' });
    });
  });
});
