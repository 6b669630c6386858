/**
 * The hub's in-process event bus. Every listener is wrapped so that one
 * failing subscriber (the live feed, a rule) cannot take ingest or the
 * process down: its error is logged and the other listeners still run.
 */
import type { AlertDto } from '../../shared/alerts.ts';
import type { CommandDto, Presence } from '../../shared/api.ts';
import type { DesiredDto } from '../../shared/desired-state.ts';
import type { DeviceState } from '../../shared/wire.ts';
import type { Logger } from './logger.ts';

export interface HubEvents {
  /** Readings committed to the database. */
  telemetry: { deviceId: string; ts: number; values: Record<string, number> };
  state: { deviceId: string; state: DeviceState; ts: number };
  presence: { deviceId: string; presence: Presence };
  /** Registry data changed: added, renamed, moved, described. */
  device_changed: { deviceId: string };
  device_removed: { deviceId: string };
  /** The device's secret was rotated: its current connection must end. */
  device_rekeyed: { deviceId: string };
  command: CommandDto;
  /** An alert was raised, cleared or acknowledged. */
  alert: AlertDto;
  /** A desired value changed: set, applied, expired, failed, or now waiting for its device. */
  desired: DesiredDto;
}

type Listener<K extends keyof HubEvents> = (event: HubEvents[K]) => void;

export class EventBus {
  private readonly listeners: { [K in keyof HubEvents]?: Listener<K>[] } = {};
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof HubEvents>(event: K, listener: Listener<K>): () => void {
    let list = this.listeners[event] as Listener<K>[] | undefined;
    if (!list) {
      list = [];
      (this.listeners as Record<K, Listener<K>[]>)[event] = list;
    }
    list.push(listener);
    const registered = list;
    return () => {
      const i = registered.indexOf(listener);
      if (i >= 0) registered.splice(i, 1);
    };
  }

  emit<K extends keyof HubEvents>(event: K, payload: HubEvents[K]): void {
    const list = this.listeners[event] as Listener<K>[] | undefined;
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (err) {
        this.log.error({ err, event }, 'event listener failed');
      }
    }
  }
}
