/**
 * `npm run device -- <kind> --pair`: pairs a simulated device with the hub
 * (found by mDNS unless `--url` is given), printing the code to compare in
 * the dashboard and each step as it happens, and optionally saving the
 * credentials so the next start needs no pairing.
 */
import { writeFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Description } from '../shared/wire.ts';
import { type PairedCredentials, PairingError, type PairingProgress, pairDevice } from './sdk/pairing.ts';
import { pinnedTlsOptions } from './sdk/tls-pin.ts';

export interface CliPairing {
  description: Description;
  url: string | undefined;
  /** Where to save the credentials (JSON, readable by `--credentials`). */
  save: string | undefined;
  discoverTimeoutMs: number | undefined;
  log: (line: string) => void;
}

function describe(p: PairingProgress): string {
  switch (p.step) {
    case 'discovering':
      return 'looking for a Hearth hub on the LAN (mDNS)…';
    case 'discovered':
      return `found ${p.hub.name} at ${p.hub.host} (hub ${p.hub.id}${p.hub.version ? `, version ${p.hub.version}` : ''})`;
    case 'connecting':
      return `connecting to ${p.url} for pairing…`;
    case 'hello_sent':
      return 'said hello; waiting for the hub';
    case 'waiting':
      return `waiting: ${p.message}`;
    case 'approved':
      return `approved: ${p.message}`;
    case 'credentials_received':
      return `received credentials for device "${p.deviceId}"`;
  }
}

/** Pairs and returns the credentials, plus the TLS options that pin the hub's certificate when it has one. */
export async function pairFromCli(
  o: CliPairing,
): Promise<{ creds: PairedCredentials; mqtt: Partial<IClientOptions> }> {
  let creds: PairedCredentials;
  try {
    creds = await pairDevice({
      ...(o.url === undefined ? {} : { url: o.url }),
      ...(o.discoverTimeoutMs === undefined ? {} : { discoverTimeoutMs: o.discoverTimeoutMs }),
      description: o.description,
      onCode: (code) =>
        o.log(`pairing code: ${code}  (check that the dashboard shows the same code, then approve)`),
      onStatus: (p) => o.log(describe(p)),
    });
  } catch (err) {
    if (err instanceof PairingError) throw new Error(`pairing failed (${err.reason}): ${err.message}`);
    throw err;
  }
  if (o.save !== undefined) {
    // The file holds a secret: readable by its owner only.
    writeFileSync(o.save, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
    o.log(`saved the credentials to ${o.save} (use --credentials ${o.save} next time)`);
  }
  return { creds, mqtt: await tlsFor(creds.mqtt_url, creds.tls_fingerprint) };
}

/** TLS options pinned to the hub's certificate for an `mqtts://` URL with a known fingerprint; none otherwise. */
export async function tlsFor(url: string, fingerprint: string | undefined): Promise<Partial<IClientOptions>> {
  if (!url.startsWith('mqtts:') || !fingerprint) return {};
  const u = new URL(url);
  return pinnedTlsOptions(u.hostname, Number(u.port || 8883), fingerprint);
}
