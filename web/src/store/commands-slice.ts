/** Command logs per device: loaded over HTTP, kept current by live `command` events. */
import type { StateCreator } from 'zustand';
import type { CommandDto } from '../../../shared/api.ts';
import type { Store } from './store.ts';

/** Newest commands kept per device. */
const KEEP = 100;

export interface CommandsSlice {
  /** Newest first. */
  commandLogs: Record<string, CommandDto[]>;
  setCommandLog(deviceId: string, commands: CommandDto[]): void;
  applyCommand(command: CommandDto): void;
}

/** A finished record wins over a pending one, whatever order they arrived in. */
function newer(a: CommandDto | undefined, b: CommandDto): CommandDto {
  if (!a) return b;
  if (a.status !== 'pending' && b.status === 'pending') return a;
  return b;
}

function merge(current: CommandDto[], incoming: CommandDto[]): CommandDto[] {
  const byId = new Map(current.map((c) => [c.id, c]));
  for (const c of incoming) byId.set(c.id, newer(byId.get(c.id), c));
  return [...byId.values()].sort((a, b) => b.created_at - a.created_at).slice(0, KEEP);
}

export const createCommandsSlice: StateCreator<Store, [], [], CommandsSlice> = (set, get) => ({
  commandLogs: {},

  setCommandLog: (deviceId, commands) =>
    set({
      commandLogs: { ...get().commandLogs, [deviceId]: merge(get().commandLogs[deviceId] ?? [], commands) },
    }),

  applyCommand: (command) => {
    const id = command.device_id;
    set({ commandLogs: { ...get().commandLogs, [id]: merge(get().commandLogs[id] ?? [], [command]) } });
  },
});
