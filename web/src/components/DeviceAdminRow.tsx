import { type FormEvent, useId, useState } from 'react';
import type { DeviceDto, UpdateDeviceBody } from '../../../shared/api.ts';
import { updateDevice } from '../actions/devices.ts';
import { useAction } from '../hooks/useAction.ts';
import { devicePath } from '../lib/router.ts';
import { EditActions } from './EditActions.tsx';
import { Link } from './Link.tsx';
import { PresenceBadge } from './PresenceBadge.tsx';

interface Props {
  device: DeviceDto;
  roomsListId: string;
  onRemove(device: DeviceDto): void;
}

/** One device in the admin list: shows it, or edits its name and room in place. */
export function DeviceAdminRow({ device, roomsListId, onRemove }: Props) {
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAction();
  const ids = { name: useId(), room: useId() };

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const room = String(data.get('room') ?? '').trim();
    const body: UpdateDeviceBody = {};
    if (name !== device.name) body.name = name;
    if ((room || null) !== device.room) body.room = room || null;
    if (Object.keys(body).length === 0) return setEditing(false);
    run(
      () => updateDevice(device.id, body),
      () => setEditing(false),
    );
  };

  if (editing) {
    return (
      <li className="admin-row editing" data-device-id={device.id}>
        <form className="admin-edit" onSubmit={save} aria-label={`Edit ${device.name}`}>
          <label htmlFor={ids.name}>Name</label>
          {/* biome-ignore lint/a11y/noAutofocus: the user just asked to edit this row */}
          <input id={ids.name} name="name" defaultValue={device.name} required maxLength={64} autoFocus />
          <label htmlFor={ids.room}>Room</label>
          <input
            id={ids.room}
            name="room"
            defaultValue={device.room ?? ''}
            maxLength={64}
            list={roomsListId}
            placeholder="No room"
          />
          <EditActions busy={busy} error={error} onCancel={() => setEditing(false)} />
        </form>
      </li>
    );
  }

  return (
    <li className="admin-row" data-device-id={device.id}>
      <div className="admin-main">
        <Link href={devicePath(device.id)} className="admin-name">
          {device.name}
        </Link>
        <span className="muted admin-id">
          <code>{device.id}</code>
          {device.description ? ` · ${device.description.model} ${device.description.firmware}` : ''}
        </span>
      </div>
      <span className="admin-room">{device.room ?? <span className="muted">No room</span>}</span>
      <PresenceBadge presence={device.presence} />
      <div className="admin-actions">
        <button type="button" className="button secondary" onClick={() => setEditing(true)}>
          Edit<span className="visually-hidden"> {device.name}</span>
        </button>
        <button type="button" className="button danger-outline" onClick={() => onRemove(device)}>
          Remove<span className="visually-hidden"> {device.name}</span>
        </button>
      </div>
    </li>
  );
}
