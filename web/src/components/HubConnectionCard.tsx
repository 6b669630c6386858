import { useRef, useState } from 'react';
import type { HealthDto } from '../../../shared/api.ts';
import { hubApi } from '../api/hub-api.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { formatDuration } from '../lib/format.ts';
import { formatFingerprint } from '../lib/units.ts';
import { CopyButton } from './CopyButton.tsx';
import { LoadState } from './LoadState.tsx';
import '../styles/admin.css';

/** Where devices connect, and whether the connection is encrypted: the certificate's fingerprint to pin. */
export function HubConnectionCard({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const [health, setHealth] = useState<HealthDto | null>(null);
  const [load, retry] = useLoader(async () => setHealth(await hubApi.health()), []);
  const fingerprint = useRef<HTMLElement>(null);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  return (
    <section className="card" aria-labelledby="hub-connection-title">
      <Heading id="hub-connection-title">Connection and TLS</Heading>
      {!health ? (
        <LoadState state={load} retry={retry} empty="" />
      ) : (
        <dl className="credential-list" data-tls={health.tls.enabled ? 'on' : 'off'}>
          <dt>MQTT URL</dt>
          <dd>
            <code data-field="mqtt-url">{health.mqtt.url}</code>
          </dd>
          <dt>TLS</dt>
          <dd data-field="tls">
            {health.tls.enabled
              ? 'On: devices and integrations connect encrypted.'
              : 'Off: MQTT and the dashboard travel unencrypted on your network.'}
          </dd>
          {health.tls.fingerprint_sha256 && (
            <>
              <dt>Certificate SHA-256</dt>
              <dd>
                <code ref={fingerprint} className="fingerprint" data-field="fingerprint">
                  {formatFingerprint(health.tls.fingerprint_sha256)}
                </code>
                <div className="form-actions">
                  <CopyButton
                    text={formatFingerprint(health.tls.fingerprint_sha256)}
                    fallback={fingerprint}
                    label="Copy fingerprint"
                    className="button secondary small"
                  />
                </div>
              </dd>
            </>
          )}
          <dt>Hub</dt>
          <dd>
            version {health.version}, up {formatDuration(health.uptime_s * 1000)}
          </dd>
        </dl>
      )}
    </section>
  );
}
