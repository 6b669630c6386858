import { type FormEvent, useId } from 'react';
import type { CreatedDeviceDto } from '../../../shared/api.ts';
import { addDevice } from '../actions/devices.ts';
import { useAction } from '../hooks/useAction.ts';

interface Props {
  roomsListId: string;
  autoFocus: boolean;
  onCreated(created: CreatedDeviceDto): void;
}

/** Name, room and (optionally) a chosen id; the hub answers with credentials, shown once. */
export function AddDeviceForm({ roomsListId, autoFocus, onCreated }: Props) {
  const { busy, error, run } = useAction();
  const ids = { name: useId(), room: useId(), id: useId(), idHint: useId() };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const room = String(data.get('room') ?? '').trim();
    const id = String(data.get('id') ?? '').trim();
    run(
      () => addDevice({ name, ...(room ? { room } : {}), ...(id ? { id } : {}) }),
      (created) => {
        form.reset();
        onCreated(created);
      },
    );
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="add-device-title">
      <h2 id="add-device-title">Add a device</h2>
      <div className="fields">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          name="name"
          required
          maxLength={64}
          placeholder="Living room heater"
          // biome-ignore lint/a11y/noAutofocus: the "Add device" link leads here to type a name
          autoFocus={autoFocus}
        />
        <label htmlFor={ids.room}>Room (optional)</label>
        <input id={ids.room} name="room" maxLength={64} list={roomsListId} placeholder="Living room" />
        <label htmlFor={ids.id}>Device id (optional)</label>
        <input
          id={ids.id}
          name="id"
          pattern="[a-z0-9][a-z0-9_\-]{2,63}"
          aria-describedby={ids.idHint}
          placeholder="living-heater"
        />
        <p id={ids.idHint} className="hint">
          Lowercase letters, digits, - and _, at least 3 characters. Left empty, the hub picks one.
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Adding…' : 'Add device'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not add the device: {error}
        </p>
      )}
    </form>
  );
}
