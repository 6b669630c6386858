/** Pairing from the dashboard: the window, approve with the device's code, reject (shared/pairing.ts). */
import {
  type ApproveBody,
  type ApprovedDto,
  ApprovedSchema,
  PairingSessionSchema,
  type PairingStateDto,
  PairingStateSchema,
} from '../../../shared/pairing.ts';
import { checker } from '../../../shared/validate.ts';
import { request } from '../api/http.ts';
import { useStore } from '../store/store.ts';

const stateChecker = checker(PairingStateSchema);
const sessionChecker = checker(PairingSessionSchema);
const approvedChecker = checker(ApprovedSchema);
const sessionPath = (nonce: string, action: string) =>
  `/api/pairing/sessions/${encodeURIComponent(nonce)}/${action}`;

function apply(state: PairingStateDto): PairingStateDto {
  useStore.getState().applyPairing(state);
  return state;
}

export async function loadPairing(): Promise<void> {
  apply(await request('/api/pairing', stateChecker));
}

/** Opens the window (default 3 minutes), or restarts its countdown. */
export async function openPairingWindow(durationS?: number): Promise<void> {
  const body = durationS === undefined ? {} : { duration_s: durationS };
  apply(await request('/api/pairing/window', stateChecker, { method: 'POST', body }));
}

export async function closePairingWindow(): Promise<void> {
  apply(await request('/api/pairing/window', stateChecker, { method: 'DELETE' }));
}

/** Throws an HttpError with code `code_mismatch` when the code is not the one the device shows. */
export async function approvePairing(nonce: string, body: ApproveBody): Promise<ApprovedDto> {
  const approved = await request(sessionPath(nonce, 'approve'), approvedChecker, { method: 'POST', body });
  useStore.getState().applyPairingSession(approved.session);
  return approved;
}

export async function rejectPairing(nonce: string): Promise<void> {
  const session = await request(sessionPath(nonce, 'reject'), sessionChecker, { method: 'POST' });
  useStore.getState().applyPairingSession(session);
}
