/**
 * The driver's handle on a load-generator child: hands it a job, waits for it
 * to be connected, starts it, and waits for its reports. The generators run
 * in their own process so that the system under test and the load each get
 * a core, as a hub and its devices would in real life.
 */
import { join } from 'node:path';
import { type ChildMessage, ChildMessageSchema, type Control, decoder, type Job } from './ipc.ts';
import { type Child, type Procs, projectRoot } from './procs.ts';

type Of<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

const decode = decoder(ChildMessageSchema, 'load child');

export class LoadChild {
  private readonly queue: ChildMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private failure: Error | null = null;

  private constructor(
    readonly child: Child,
    private readonly procs: Procs,
  ) {
    child.proc.on('message', (raw: unknown) => {
      try {
        const msg = decode(raw);
        if (msg.type === 'error') this.failure = new Error(`${child.name}: ${msg.message}`);
        else this.queue.push(msg);
      } catch (err) {
        this.failure = err as Error;
      }
      this.wake();
    });
    void child.exited.then((how) => {
      this.failure ??= new Error(`${child.name} exited (${how}):\n${child.tail()}`);
      this.wake();
    });
  }

  /** Starts `test/bench/<script>` with `job` and waits until its clients are connected. */
  static async start(
    procs: Procs,
    script: string,
    job: Job,
    timeoutMs: number,
  ): Promise<{ load: LoadChild; connectMs: number }> {
    const child = procs.spawnTs(join(projectRoot, 'test', 'bench', script), { name: script, ipc: true });
    const load = new LoadChild(child, procs);
    child.proc.send(job);
    const ready = await load.next('ready', timeoutMs);
    return { load, connectMs: ready.connectMs };
  }

  get pid(): number {
    return this.child.pid;
  }

  send(control: Control): void {
    this.child.proc.send(control);
  }

  /** The next message of `type` (earlier messages of other types are skipped). */
  async next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Of<T>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((m) => m.type === type);
      if (i >= 0) {
        const [msg] = this.queue.splice(0, i + 1).slice(-1);
        return msg as Of<T>;
      }
      if (this.failure) throw this.failure;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.child.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((res) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          res();
        }
        this.waiters.add(() => done());
      });
    }
  }

  /** Asks the child to disconnect its clients and exit; kills it if it does not. */
  async stop(): Promise<void> {
    if (this.child.proc.connected) this.send({ type: 'stop' });
    const timer = setTimeout(() => void this.procs.stop(this.child, 'SIGKILL'), 10_000);
    await this.child.exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
