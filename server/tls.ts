/**
 * TLS material: a self-signed certificate made on first start and kept in
 * the data directory (so devices can pin it), or the user's own files. The
 * SHA-256 fingerprint is shown in the dashboard and published by mDNS.
 */

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from './config.ts';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** `AB:CD:…`, SHA-256 of the certificate. */
  fingerprint256: string;
  /** Where the certificate is, for devices that pin it (`mosquitto_pub --cafile`). */
  certPath: string;
}

export class TlsConfigError extends Error {}

/** The names the hub is reached by: host names, `.local`, localhost and every local address. */
function altNames(publicHost: string) {
  const hosts = new Set([publicHost, publicHost.replace(/\.local$/, ''), 'localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) ips.add(a.address);
  }
  return [
    ...[...hosts].filter((h) => h && !/^[\d.:]+$/.test(h)).map((value) => ({ type: 2 as const, value })),
    ...[...ips].map((ip) => ({ type: 7 as const, ip })),
  ];
}

/** Loads (or, for `self-signed`, creates once) the hub's key and certificate; null when TLS is off. */
export async function loadTls(config: Config): Promise<TlsMaterial | null> {
  if (config.tls === 'off') return null;
  let keyPath: string;
  let certPath: string;
  if (config.tls === 'files') {
    if (!config.tlsCert || !config.tlsKey) {
      throw new TlsConfigError('tls is "files": set tlsCert and tlsKey (HEARTH_TLS_CERT, HEARTH_TLS_KEY)');
    }
    keyPath = resolve(config.tlsKey);
    certPath = resolve(config.tlsCert);
  } else {
    const dir = join(config.dataDir, 'tls');
    keyPath = join(dir, 'key.pem');
    certPath = join(dir, 'cert.pem');
    if (!existsSync(keyPath) || !existsSync(certPath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const now = new Date();
      // Loaded only when a certificate is made: it costs ~0.2 s of every start otherwise.
      const { generate } = await import('selfsigned');
      const pems = await generate([{ name: 'commonName', value: config.publicHost }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        notBeforeDate: new Date(now.getTime() - 24 * 3600 * 1000),
        notAfterDate: new Date(now.getTime() + 10 * 366 * 24 * 3600 * 1000),
        extensions: [
          // Its own CA: devices trust this one certificate (`--cafile cert.pem`).
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: altNames(config.publicHost) },
        ],
      });
      writeFileSync(keyPath, pems.private, { mode: 0o600 });
      writeFileSync(certPath, pems.cert);
    }
  }
  let key: string;
  let cert: string;
  try {
    key = readFileSync(keyPath, 'utf8');
    cert = readFileSync(certPath, 'utf8');
  } catch (err) {
    throw new TlsConfigError(`cannot read the TLS key or certificate: ${(err as Error).message}`);
  }
  return { key, cert, certPath, fingerprint256: new X509Certificate(cert).fingerprint256 };
}
