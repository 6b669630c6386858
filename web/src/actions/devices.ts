/** Device administration: each call updates the store at once (the live feed confirms it too). */
import type { CreateDeviceBody, CreatedDeviceDto, UpdateDeviceBody } from '../../../shared/api.ts';
import { http } from '../api/http.ts';
import { useStore } from '../store/store.ts';

export async function addDevice(body: CreateDeviceBody): Promise<CreatedDeviceDto> {
  const created = await http.createDevice(body);
  useStore.getState().upsertDevice(created.device);
  return created;
}

export async function updateDevice(id: string, body: UpdateDeviceBody): Promise<void> {
  useStore.getState().upsertDevice(await http.updateDevice(id, body));
}

export async function removeDevice(id: string): Promise<void> {
  await http.removeDevice(id);
  useStore.getState().removeDevice(id);
}
