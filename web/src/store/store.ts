/**
 * The dashboard's one store, assembled from slices. The socket manager and the
 * actions write to it; components read it through selectors.
 */
import { create } from 'zustand';
import { type AlertsSlice, createAlertsSlice } from './alerts-slice.ts';
import { type AuthSlice, createAuthSlice } from './auth-slice.ts';
import { type CommandsSlice, createCommandsSlice } from './commands-slice.ts';
import { type ConnectionSlice, createConnectionSlice } from './connection-slice.ts';
import { type ControlsSlice, createControlsSlice } from './controls-slice.ts';
import { createDesiredSlice, type DesiredSlice } from './desired-slice.ts';
import { createDevicesSlice, type DevicesSlice } from './devices-slice.ts';
import { createPairingSlice, type PairingSlice } from './pairing-slice.ts';

export type Store = AuthSlice &
  DevicesSlice &
  ConnectionSlice &
  CommandsSlice &
  ControlsSlice &
  AlertsSlice &
  DesiredSlice &
  PairingSlice;

export const useStore = create<Store>()((...a) => ({
  ...createAuthSlice(...a),
  ...createDevicesSlice(...a),
  ...createConnectionSlice(...a),
  ...createCommandsSlice(...a),
  ...createControlsSlice(...a),
  ...createAlertsSlice(...a),
  ...createDesiredSlice(...a),
  ...createPairingSlice(...a),
}));
