/**
 * The broker side of pairing (docs/protocol.md §Pairing): who may connect
 * with pairing-only access, the one topic such a connection may publish on
 * (its own `hello`) and the ones it may subscribe to (its own
 * `hearth/pairing/<nonce>/…`). hooks.ts calls these; the pairing service
 * decides everything else.
 */
import type { Client, PublishPacket } from 'aedes';
import { PairingHelloSchema, pairingNonceOf } from '../../shared/pairing.ts';
import { pairingFilter, pairingTopic } from '../../shared/topics.ts';
import { checker } from '../../shared/validate.ts';
import type { DropReason } from '../domain/counters.ts';
import type { PairingService } from '../domain/pairing-service.ts';

/** CONNACK return codes of MQTT 3.1.1 (§3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;

const helloChecker = checker(PairingHelloSchema);

export type PairingAdmission =
  | { ok: true; nonce: string }
  | { ok: false; returnCode: number; detail: string };

/**
 * A pairing connection is accepted whatever the window says, so the hub can
 * answer why it refuses. Refused at CONNECT only: a client id that is not
 * `pair-<nonce>`, a persistent session (credentials must never be queued in
 * the broker's store), a nonce already connected (no takeover of someone
 * else's session), or a flood of pairing connections.
 */
export function admitPairing(client: Client, pairing: PairingService): PairingAdmission {
  const nonce = pairingNonceOf(client.id);
  if (nonce === null) {
    return {
      ok: false,
      returnCode: IDENTIFIER_REJECTED,
      detail: `pairing client id "${client.id}" is not pair-<16 to 52 base32 characters>`,
    };
  }
  if (!client.clean) {
    return { ok: false, returnCode: IDENTIFIER_REJECTED, detail: 'pairing needs a clean session' };
  }
  if (pairing.isConnected(nonce)) {
    return { ok: false, returnCode: IDENTIFIER_REJECTED, detail: `pairing nonce "${nonce}" is in use` };
  }
  if (!pairing.mayConnect()) {
    return { ok: false, returnCode: SERVER_UNAVAILABLE, detail: 'too many pairing connections' };
  }
  return { ok: true, nonce };
}

/** A pairing connection subscribes to its own `hearth/pairing/<nonce>/#`, `…/status` or `…/credentials`. */
export function pairingMaySubscribe(nonce: string, filter: string): boolean {
  return (
    filter === pairingFilter(nonce) ||
    filter === pairingTopic(nonce, 'status') ||
    filter === pairingTopic(nonce, 'credentials')
  );
}

export type PairingPublishOutcome = { ok: true } | { ok: false; reason: DropReason; detail: string };

/**
 * The hello of a pairing connection. It is for the hub alone: whatever the
 * outcome, the caller sinks the packet (never forwarded, never retained).
 */
export function pairingPublish(
  nonce: string,
  packet: PublishPacket,
  maxPayloadBytes: number,
  pairing: PairingService,
): PairingPublishOutcome {
  if (packet.topic !== pairingTopic(nonce, 'hello')) {
    return {
      ok: false,
      reason: 'acl_denied',
      detail: 'a pairing connection may publish only on its own hello',
    };
  }
  if (packet.payload.length > maxPayloadBytes) {
    return {
      ok: false,
      reason: 'payload_too_large',
      detail: `${packet.payload.length} bytes > ${maxPayloadBytes}`,
    };
  }
  const parsed = helloChecker.parseJson(packet.payload.toString());
  if (!parsed.ok) {
    pairing.invalidHello(nonce, parsed.error);
    const reason = parsed.error === 'payload is not valid JSON' ? 'invalid_json' : 'invalid_payload';
    return { ok: false, reason, detail: parsed.error };
  }
  pairing.hello(nonce, parsed.value);
  return { ok: true };
}
