import { useEffect, useRef, useState } from 'react';
import type { CreatedDeviceDto } from '../../../shared/api.ts';
import { copyText } from '../lib/clipboard.ts';
import { deviceCommandLine } from '../lib/device.ts';

/** The new device's credentials, shown this once (the hub keeps only a hash of the password). */
export function CredentialsPanel({ created, onDone }: { created: CreatedDeviceDto; onDone(): void }) {
  const { credentials, device } = created;
  const command = deviceCommandLine(
    'heater',
    credentials.mqtt_url,
    credentials.device_id,
    credentials.password,
  );
  const pre = useRef<HTMLPreElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'select'>('idle');

  useEffect(() => heading.current?.focus(), []);

  const onCopy = () => {
    void copyText(command, pre.current).then((ok) => setCopied(ok ? 'copied' : 'select'));
  };

  return (
    <section className="card credentials" aria-labelledby="credentials-title">
      <h2 id="credentials-title" ref={heading} tabIndex={-1}>
        Credentials for {device.name}
      </h2>
      <p className="warning">
        <strong>Shown only this once.</strong> The hub keeps only a hash of the password: copy it now.
      </p>
      <dl className="credential-list">
        <dt>Device id / username</dt>
        <dd>
          <code>{credentials.device_id}</code>
        </dd>
        <dt>Password</dt>
        <dd>
          <code data-secret="password">{credentials.password}</code>
        </dd>
        <dt>MQTT</dt>
        <dd>
          <code>{credentials.mqtt_url}</code>
        </dd>
        <dt>MQTT over WebSocket</dt>
        <dd>
          <code>{credentials.ws_url}</code>
        </dd>
      </dl>
      <p>To run a simulated heater with these credentials:</p>
      <pre ref={pre} className="command-line">
        <code>{command}</code>
      </pre>
      <div className="form-actions">
        <button type="button" className="button" onClick={onCopy}>
          Copy command
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          Done
        </button>
        <span aria-live="polite" className="muted">
          {copied === 'copied' ? 'Copied.' : copied === 'select' ? 'Selected: press Ctrl+C to copy.' : ''}
        </span>
      </div>
    </section>
  );
}
