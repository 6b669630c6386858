import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HeaterSimulator, startHeaterSimulator } from '../../devices/simulators/heater.ts';
import { seededRng } from '../../devices/simulators/heater-model.ts';
import {
  startThermometerSimulator,
  type ThermometerSimulator,
} from '../../devices/simulators/thermometer.ts';
import type { CommandDto, DeviceDto, HistoryDto } from '../../shared/api.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

interface CommandError {
  error: string;
  message: string;
  command: CommandDto;
}

describe('simulators against a real hub', () => {
  let t: TestHub;
  let sim: HeaterSimulator | ThermometerSimulator | undefined;

  beforeEach(async () => {
    t = await startTestHub();
  });
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    await t.close();
  });

  const device = async (id: string): Promise<DeviceDto> =>
    (await (await t.api(`/api/devices/${id}`)).json()) as DeviceDto;

  const rpc = async (id: string, method: string, params: Record<string, unknown> = {}) => {
    const res = await t.api(`/api/devices/${id}/rpc`, { method: 'POST', body: { method, params } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  async function startHeater(extra: { identifyMs?: number } = {}): Promise<HeaterSimulator> {
    const { credentials } = await t.addDevice('Living room heater', {
      id: 'sim-heater',
      room: 'Living room',
    });
    const heater = await startHeaterSimulator({
      url: t.mqttUrl,
      id: credentials.device_id,
      password: credentials.password,
      intervalMs: 100,
      // Real time: the room cannot reach the setpoint during a test, so `heating` stays put.
      speed: 1,
      rng: seededRng(1),
      initial: { roomC: 18, heaterOn: false, setpointC: 21 },
      ...extra,
    });
    sim = heater;
    return heater;
  }

  it('a heater describes itself, reports state and has its telemetry stored', async () => {
    const from = Date.now();
    await startHeater();
    const d = await waitFor(
      async () => {
        const dev = await device('sim-heater');
        return dev.latest.temperature !== undefined && dev;
      },
      { what: 'a stored temperature' },
    );
    expect(d.presence.status).toBe('online');
    expect(d.description?.kind).toBe('heater');
    expect(d.description?.methods).toEqual(['heater.set', 'setpoint.set', 'temperature.read', 'identify']);
    expect(d.state).toEqual({ heater: false, setpoint: 21, heating: false, blinking: false });
    expect(d.latest.temperature?.value).toBeGreaterThan(10);
    expect(d.latest.temperature?.value).toBeLessThan(25);

    const h = await waitFor(
      async () => {
        const res = await t.api(
          `/api/devices/sim-heater/history?metric=temperature&from=${from}&to=${Date.now() + 1}`,
        );
        const body = (await res.json()) as HistoryDto;
        return body.ts.length >= 3 && body;
      },
      { what: 'three readings in the history' },
    );
    expect(h.unit).toBe('°C');
  });

  it('heater.set answers 200 and the reported state is confirmed when the command completes', async () => {
    const heater = await startHeater();
    const on = await rpc('sim-heater', 'heater.set', { on: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ status: 'ok', result: { heater: true, heating: true } });
    // No waiting: the state was reported before the device answered.
    expect((await device('sim-heater')).state).toMatchObject({ heater: true, heating: true });
    expect(heater.state).toMatchObject({ heaterOn: true, heating: true });

    const off = await rpc('sim-heater', 'heater.set', { on: false });
    expect(off.status).toBe(200);
    expect((await device('sim-heater')).state).toMatchObject({ heater: false, heating: false });
  });

  it('setpoint.set: out of range is the device’s error (502), in range is rounded to the step', async () => {
    await startHeater();
    const bad = await rpc('sim-heater', 'setpoint.set', { value: 99 });
    expect(bad.status).toBe(502);
    const err = bad.body as CommandError;
    expect(err.error).toBe('device_error');
    expect(err.command.error?.code).toBe('invalid_params');
    expect(err.command.error?.message).toContain('5–30');
    expect((await device('sim-heater')).state.setpoint).toBe(21);

    const wrongType = await rpc('sim-heater', 'setpoint.set', { value: 'warm' });
    expect(wrongType.status).toBe(502);
    expect((wrongType.body as CommandError).command.error?.code).toBe('invalid_params');

    const ok = await rpc('sim-heater', 'setpoint.set', { value: 22.3 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ result: { setpoint: 22.5 } });
    expect((await device('sim-heater')).state.setpoint).toBe(22.5);
  });

  it('temperature.read answers the reading with its round-trip time', async () => {
    await startHeater();
    const res = await rpc('sim-heater', 'temperature.read');
    expect(res.status).toBe(200);
    const command = res.body as CommandDto & { result: { temperature: unknown; ts: unknown } };
    expect(typeof command.result.temperature).toBe('number');
    expect(typeof command.result.ts).toBe('number');
    expect(command.rtt_ms).toEqual(expect.any(Number));
  });

  it('identify blinks for a while: reported before the answer, then cleared', async () => {
    await startHeater({ identifyMs: 300 });
    // The hub's own event order, so the check does not depend on how fast this machine is.
    const seen: string[] = [];
    const offState = t.hub.app.services.bus.on('state', ({ deviceId, state }) => {
      const entry = `blinking=${String(state.blinking)}`;
      // A tick may re-report an unchanged flag; only changes matter here.
      if (deviceId === 'sim-heater' && seen.at(-1) !== entry) seen.push(entry);
    });
    const offCommand = t.hub.app.services.bus.on('command', (c) => {
      if (c.method === 'identify' && c.status !== 'pending') seen.push(`identify ${c.status}`);
    });
    try {
      const res = await rpc('sim-heater', 'identify');
      expect(res.body).toMatchObject({ status: 'ok', result: { identified: true } });
      await waitFor(() => seen.includes('blinking=false'), { what: 'the blinking to stop' });
      expect(seen).toEqual(['blinking=true', 'identify ok', 'blinking=false']);
    } finally {
      offState();
      offCommand();
    }
  });

  it('a thermometer sends temperature and humidity and answers temperature.read', async () => {
    const { credentials } = await t.addDevice('Hall thermometer', { id: 'sim-thermo', room: 'Hall' });
    sim = await startThermometerSimulator({
      url: t.mqttUrl,
      id: credentials.device_id,
      password: credentials.password,
      intervalMs: 100,
      speed: 600,
    });
    const d = await waitFor(
      async () => {
        const dev = await device('sim-thermo');
        return dev.latest.humidity !== undefined && dev.latest.temperature !== undefined && dev;
      },
      { what: 'stored temperature and humidity' },
    );
    expect(d.description?.kind).toBe('thermometer');
    const res = await rpc('sim-thermo', 'temperature.read');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: { temperature: expect.any(Number) } });
    const unsupported = await rpc('sim-thermo', 'heater.set', { on: true });
    expect(unsupported.status).toBe(400);
  });

  it.each([
    { how: 'stop', reasons: ['clean_disconnect'] },
    // A dropped TCP connection reads as a close or a reset, depending on timing.
    { how: 'kill', reasons: ['connection_closed', 'socket_error'] },
  ] as const)('$how: the hub records the right reason', async ({ how, reasons }) => {
    const heater = await startHeater();
    await waitFor(async () => (await device('sim-heater')).presence.status === 'online', {
      what: 'the heater online',
    });
    await heater[how]();
    sim = undefined;
    const d = await waitFor(
      async () => {
        const dev = await device('sim-heater');
        return dev.presence.status === 'offline' && dev;
      },
      { what: 'the heater offline' },
    );
    expect(reasons).toContain(d.presence.reason);
  });

  it('refuses to start with a wrong password, saying why', async () => {
    await t.addDevice('Living room heater', { id: 'sim-heater' });
    await expect(
      startHeaterSimulator({ url: t.mqttUrl, id: 'sim-heater', password: 'wrong', connectTimeoutMs: 5000 }),
    ).rejects.toThrow(/refused/);
  });
});
