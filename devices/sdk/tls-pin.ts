/**
 * Trust on first use for a hub with a self-signed certificate: the device
 * knows the certificate's SHA-256 fingerprint (from the hub's mDNS TXT record
 * or from its credentials), fetches the certificate once, checks it against
 * that fingerprint, and from then on trusts exactly that certificate as its
 * CA. Nothing secret is sent before the check.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';

/** mqtt.js TLS options that trust only the pinned certificate. */
export interface PinnedTlsOptions {
  ca: string;
  rejectUnauthorized: true;
  /** The chain is already checked against the pinned certificate; the name the hub is reached by may differ. */
  checkServerIdentity: () => undefined;
}

/** `ab:cd…` or `ABCD…` → `AB:CD:…` */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

/** Fetches the hub's certificate and returns TLS options pinned to it; rejects on a fingerprint mismatch. */
export function pinnedTlsOptions(
  host: string,
  port: number,
  fingerprint: string,
  timeoutMs = 10_000,
): Promise<PinnedTlsOptions> {
  const expected = normalizeFingerprint(fingerprint);
  return new Promise((resolve, reject) => {
    // Unverified on purpose: this connection only reads the certificate, and sends nothing.
    const socket = connect({ host, port, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      const cert = new X509Certificate(raw);
      if (cert.fingerprint256 !== expected) {
        reject(
          new Error(
            `the hub's certificate (${cert.fingerprint256}) does not match the expected fingerprint ${expected}`,
          ),
        );
        return;
      }
      resolve({ ca: cert.toString(), rejectUnauthorized: true, checkServerIdentity: () => undefined });
    });
  });
}
