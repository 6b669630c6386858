import { useMemo, useState } from 'react';
import type { CreatedDeviceDto, DeviceDto } from '../../../shared/api.ts';
import { AddDeviceForm } from '../components/AddDeviceForm.tsx';
import { CredentialsPanel } from '../components/CredentialsPanel.tsx';
import { DeviceAdminRow } from '../components/DeviceAdminRow.tsx';
import { PairingPanel } from '../components/pairing/PairingPanel.tsx';
import { RemoveDeviceDialog } from '../components/RemoveDeviceDialog.tsx';
import { groupsFromLayoutKey, roomsFromKey, selectLayoutKey, selectRoomsKey } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import '../styles/admin.css';

const ROOMS_LIST_ID = 'known-rooms';

/** Devices admin: add (credentials shown once), rename, assign a room, remove with confirmation. */
export function DevicesPage() {
  const loaded = useStore((s) => s.devicesLoaded);
  const layoutKey = useStore(selectLayoutKey);
  const roomsKey = useStore(selectRoomsKey);
  const devices = useStore((s) => s.devices);
  const [created, setCreated] = useState<CreatedDeviceDto | null>(null);
  const [removing, setRemoving] = useState<DeviceDto | null>(null);
  const ids = useMemo(() => groupsFromLayoutKey(layoutKey).flatMap((g) => g.ids), [layoutKey]);
  const rooms = useMemo(() => roomsFromKey(roomsKey), [roomsKey]);
  const wantsAdd = new URLSearchParams(window.location.search).has('add');

  return (
    <>
      <h1 className="page-title" tabIndex={-1}>
        Devices
      </h1>
      <datalist id={ROOMS_LIST_ID}>
        {rooms.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <PairingPanel roomsListId={ROOMS_LIST_ID} />
      {created ? (
        <CredentialsPanel created={created} onDone={() => setCreated(null)} />
      ) : (
        <AddDeviceForm roomsListId={ROOMS_LIST_ID} autoFocus={wantsAdd} onCreated={setCreated} />
      )}
      <section className="card" aria-labelledby="device-list-title">
        <h2 id="device-list-title">All devices</h2>
        {!loaded ? (
          <p className="state-message" aria-busy="true">
            Loading devices…
          </p>
        ) : ids.length === 0 ? (
          <p className="state-message">No devices yet: add one above.</p>
        ) : (
          <ul className="admin-list">
            {ids.map((id) => {
              const device = devices[id];
              return device ? (
                <DeviceAdminRow key={id} device={device} roomsListId={ROOMS_LIST_ID} onRemove={setRemoving} />
              ) : null;
            })}
          </ul>
        )}
      </section>
      {removing && <RemoveDeviceDialog device={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}
