/** "Read now": asks the device for its temperature and keeps the answer with its round trip. */
import { useCallback, useState } from 'react';
import { checker } from '../../../shared/validate.ts';
import { TemperatureReadResultSchema } from '../../../shared/wire.ts';
import { commandFailure } from '../actions/controls.ts';
import { http } from '../api/http.ts';

const resultChecker = checker(TemperatureReadResultSchema);

export type ReadNowState =
  | { phase: 'idle' }
  | { phase: 'pending' }
  | { phase: 'done'; temperature: number; ts: number; rttMs: number | null }
  | { phase: 'failed'; message: string };

export function useReadNow(deviceId: string): [ReadNowState, () => void] {
  const [state, setState] = useState<ReadNowState>({ phase: 'idle' });
  const read = useCallback(() => {
    setState({ phase: 'pending' });
    http.rpc(deviceId, { method: 'temperature.read', params: {} }).then(
      (command) => {
        const result = resultChecker.parse(command.result);
        if (result.ok) {
          setState({ phase: 'done', ...result.value, rttMs: command.rtt_ms });
        } else {
          setState({ phase: 'failed', message: `The device answered something unexpected: ${result.error}` });
        }
      },
      (err: unknown) => setState({ phase: 'failed', message: commandFailure(err) }),
    );
  }, [deviceId]);
  return [state, read];
}
