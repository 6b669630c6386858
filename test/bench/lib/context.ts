/** What the driver hands every scenario, and what a scenario hands back. */
import type { HubOptions, HubProcess } from './hub-process.ts';
import type { Options } from './options.ts';
import type { Procs } from './procs.ts';
import type { Row } from './report.ts';

export interface Ctx {
  opts: Options;
  procs: Procs;
  /** Progress on stderr, so stdout keeps only the report. */
  log(message: string): void;
  /** Where hub children write CPU profiles and logs (`--profile`), else null. */
  profileDir: string | null;
  /** Starts a hub child with the run's `--profile` and `--hub-env` applied. */
  startHub(options: Omit<HubOptions, 'profileDir'>): Promise<HubProcess>;
}

export interface ScenarioOutput {
  rows: Row[];
  details: Record<string, unknown>;
  /** Set when the scenario could not run here (e.g. the dashboard is not built). */
  skipped?: string;
}

export type Scenario = (ctx: Ctx) => Promise<ScenarioOutput>;
