/**
 * The pairing service's transport: the open pairing connections by nonce,
 * and delivery to exactly one of them. Messages go straight to that client
 * (aedes `client.publish`), never through the topic tree, so no other
 * subscriber (an integration account holding `#`, another pairing session)
 * can ever see a status or the credentials, and nothing is retained.
 */
import type { Client, PublishPacket } from 'aedes';
import { pairingTopic } from '../../shared/topics.ts';
import type { PairingService, PairingTransport } from '../domain/pairing-service.ts';

/** A delivery that is not handed to the socket by then has failed (a frozen client). */
const SEND_TIMEOUT_MS = 5000;

export class PairingLink implements PairingTransport {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly pairing: PairingService) {}

  /** A pairing connection was accepted (aedes `client` event). */
  connected(nonce: string, client: Client): void {
    this.clients.set(nonce, client);
    this.pairing.connected(nonce);
  }

  /** A pairing connection ended; a late event for a replaced connection changes nothing. */
  disconnected(nonce: string, client: Client): void {
    if (this.clients.get(nonce) !== client) return;
    this.clients.delete(nonce);
    this.pairing.disconnected(nonce);
  }

  send(nonce: string, kind: 'status' | 'credentials', payload: object): Promise<void> {
    const client = this.clients.get(nonce);
    if (!client || client.closed) return Promise.reject(new Error('the device is no longer connected'));
    // QoS 1 and RETAIN 0, as for any live delivery [MQTT-3.3.1-9]; never stored anywhere.
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: pairingTopic(nonce, kind),
      payload: Buffer.from(JSON.stringify(payload)),
      qos: 1,
      retain: false,
      dup: false,
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('delivery timed out')), SEND_TIMEOUT_MS);
      client.publish(packet, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else if (client.closed) reject(new Error('the device disconnected'));
        else resolve();
      });
    });
  }

  close(nonce: string): void {
    this.clients.get(nonce)?.close();
  }
}
