/**
 * WAL checkpoints from a worker thread with its own connection, so copying
 * the WAL back into the database (and its fsync) never blocks the event loop
 * that runs the broker. The main connection's automatic checkpoints are off
 * while this runs; if the worker fails, they are switched back on.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../domain/logger.ts';
import type { Db } from './database.ts';

// Plain CommonJS evaluated in the worker: no TypeScript loader needed there.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const run = (mode) => {
  try {
    const [r] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ ok: true, mode, ...r });
  } catch (err) {
    parentPort.postMessage({ ok: false, mode, error: String(err && err.message || err) });
  }
};
const timer = setInterval(() => run('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); run('TRUNCATE'); db.close(); parentPort.close(); }
});
`;

export interface CheckpointStats {
  runs: number;
  failures: number;
  /** Pages in the WAL at the last checkpoint. */
  walPages: number;
  lastError: string | null;
}

export class Checkpointer {
  private worker: Worker | null = null;
  readonly stats: CheckpointStats = { runs: 0, failures: 0, walPages: 0, lastError: null };

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver, file: this.file, intervalMs: this.intervalMs },
    });
    this.db.pragma('wal_autocheckpoint = 0');
    worker.on('message', (m: { ok: boolean; log?: number; error?: string }) => {
      this.stats.runs++;
      if (m.ok) this.stats.walPages = m.log ?? 0;
      else {
        this.stats.failures++;
        this.stats.lastError = m.error ?? 'unknown';
      }
    });
    worker.on('error', (err) => {
      this.log.error({ err }, 'checkpoint worker failed; falling back to automatic checkpoints');
      this.restoreAuto();
    });
    worker.unref();
    this.worker = worker;
  }

  private restoreAuto(): void {
    this.worker = null;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** Stops the worker after a final TRUNCATE checkpoint. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    await worker.terminate();
    this.restoreAuto();
  }
}
