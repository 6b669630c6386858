/**
 * Desired state in a real hub with a real SDK heater: applied at once when
 * the device is online and confirmed by its reported state; set while it is
 * away, applied when it reconnects, unless expired or drop-if-offline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../shared/api.ts';
import type { DesiredDto } from '../../shared/desired-state.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { heaterDevice, liveFeed } from '../helpers/rules-fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'hall-heater';

describe('desired state', () => {
  let t: TestHub;
  let creds: Credentials;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    creds = (await t.addDevice('Hall heater', { id: ID, room: 'Hall' })).credentials;
  });
  afterEach(() => cleanup.run());

  async function put(body: Record<string, unknown>): Promise<DesiredDto> {
    const res = await t.api(`/api/devices/${ID}/desired`, { method: 'PUT', body });
    if (res.status !== 200) throw new Error(`PUT desired: ${res.status} ${await res.text()}`);
    return (await res.json()) as DesiredDto;
  }
  async function desired(property: string): Promise<DesiredDto | undefined> {
    const list = (await (await t.api(`/api/devices/${ID}/desired`)).json()) as DesiredDto[];
    return list.find((d) => d.property === property);
  }
  async function online(state?: Record<string, boolean | number>) {
    const h = heaterDevice(t, creds, state);
    cleanup.add(h.device, (d) => d.stop());
    await h.device.start();
    return h;
  }
  async function offline() {
    const h = heaterDevice(t, creds);
    await h.device.start();
    await h.device.kill();
    await waitFor(
      async () => {
        const d = (await (await t.api(`/api/devices/${ID}`)).json()) as { presence: { status: string } };
        return d.presence.status === 'offline';
      },
      { what: 'the heater offline' },
    );
  }

  it('applies a change at once when the device is online; its reported state confirms it', async () => {
    const h = await online();
    const set = await put({ property: 'heater', value: true });
    expect(set).toMatchObject({ desired: true, version: 1, waiting_for_device: false, policy: 'wait' });
    expect(set.actor).toMatch(/^(user:|api$)/);
    const applied = await waitFor(
      async () => {
        const d = await desired('heater');
        return d?.status === 'applied' ? d : undefined;
      },
      { what: 'applied' },
    );
    expect(applied).toMatchObject({ reported: true, error: null });
    expect(applied.command_id).toMatch(/^c/);
    expect(h.calls).toEqual(['heater.set true']);

    // Asking for what is already in place changes nothing.
    const again = await put({ property: 'heater', value: true });
    expect(again).toMatchObject({ version: 1, status: 'applied' });
    expect(h.calls).toEqual(['heater.set true']);
  });

  it('waits while the device is away, applies on reconnect, and does not apply an expired change', async () => {
    const feed = cleanup.add(await liveFeed(t, ['desired']), (f) => f.close());
    await offline();
    const heater = await put({ property: 'heater', value: true, ttl_s: 600 });
    expect(heater).toMatchObject({ status: 'pending', waiting_for_device: true, reported: false });
    const setpoint = await put({ property: 'setpoint', value: 24, ttl_s: 1 });
    expect(setpoint).toMatchObject({ status: 'pending', waiting_for_device: true });

    await waitFor(async () => (await desired('setpoint'))?.status === 'expired', {
      what: 'the setpoint to expire',
    });

    const h = await online({ heater: false, setpoint: 21 });
    const applied = await waitFor(
      async () => {
        const d = await desired('heater');
        return d?.status === 'applied' ? d : undefined;
      },
      { what: 'the waiting change applied on reconnect' },
    );
    expect(applied).toMatchObject({ reported: true, waiting_for_device: false, version: 1 });
    expect(await desired('setpoint')).toMatchObject({ status: 'expired', reported: 21, desired: 24 });
    expect(h.calls).toEqual(['heater.set true']);
    expect(h.device.reported).toMatchObject({ heater: true, setpoint: 21 });

    // The dashboard saw it live: waiting → expired → applied.
    await waitFor(() => feed.of('desired').some((d) => d.property === 'heater' && d.status === 'applied'), {
      what: 'the live "applied" event',
    });
    const states = feed
      .of('desired')
      .map((d) => `${d.property}:${d.status}${d.waiting_for_device ? ':waiting' : ''}`);
    expect(states).toContain('heater:pending:waiting');
    expect(states).toContain('setpoint:expired');
    expect(states.at(-1)).toBe('heater:applied');
  });

  it('fails at once, without waiting, when the policy is drop_if_offline', async () => {
    await offline();
    const set = await put({ property: 'heater', value: true, policy: 'drop_if_offline' });
    expect(set).toMatchObject({
      status: 'failed',
      waiting_for_device: false,
      error: 'the device is offline and the policy is drop_if_offline',
    });
    const h = await online();
    // Give a (wrong) late apply every chance to happen: the device announced itself and a command round trip passed.
    await t.api(`/api/devices/${ID}/rpc`, {
      method: 'POST',
      body: { method: 'setpoint.set', params: { value: 20 } },
    });
    expect(h.calls).toEqual(['setpoint.set 20']);
    expect(await desired('heater')).toMatchObject({ status: 'failed' });
  });

  it('refuses values the device cannot take', async () => {
    const bad = async (body: unknown, path = `/api/devices/${ID}/desired`) => {
      const res = await t.api(path, { method: 'PUT', body });
      return { status: res.status, body: (await res.json()) as { message: string } };
    };
    await online();
    expect(await bad({ property: 'setpoint', value: 45 })).toMatchObject({
      status: 400,
      body: { message: 'setpoint must be a number from 5 to 30' },
    });
    expect((await bad({ property: 'fan', value: true })).body.message).toMatch(/no control "fan"/);
    expect((await bad({ property: 'heater', value: true, policy: 'sometimes' })).status).toBe(400);
    expect((await bad({ property: 'heater', value: true }, '/api/devices/nobody/desired')).status).toBe(404);
  });
});
