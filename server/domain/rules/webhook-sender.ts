/**
 * Webhooks: JSON POSTs with a timeout and bounded concurrency, so a slow or
 * dead endpoint costs a few sockets and a line in the rule's run log, never
 * the hub. Uses the global fetch (injectable for tests).
 */

export interface WebhookOutcome {
  ok: boolean;
  /** `HTTP 200`, or what went wrong. */
  detail: string;
}

export interface WebhookSenderOptions {
  fetch?: typeof fetch;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests waiting for a slot; beyond this they fail at once. */
  queueMax?: number;
  userAgent?: string;
}

/** Builds a sender; stop() aborts what is in flight. */
export function createWebhookSender(options: WebhookSenderOptions = {}) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const concurrency = options.concurrency ?? 4;
  const queueMax = options.queueMax ?? 100;
  const waiting: (() => void)[] = [];
  const controllers = new Set<AbortController>();
  let active = 0;
  let stopped = false;

  /** Hands the slot to the next waiting request, or frees it. */
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  async function send(url: string, body: unknown, timeoutMs: number): Promise<WebhookOutcome> {
    const controller = new AbortController();
    controllers.add(controller);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': options.userAgent ?? 'hearth-hub',
        },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
      });
      // The body is not needed; cancelling it frees the connection.
      await res.body?.cancel().catch(() => {});
      return res.ok
        ? { ok: true, detail: `HTTP ${res.status}` }
        : { ok: false, detail: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') return { ok: false, detail: `no answer within ${timeoutMs} ms` };
      if (e.name === 'AbortError') return { ok: false, detail: 'the hub is stopping' };
      return { ok: false, detail: e.cause?.code ?? e.cause?.message ?? e.message };
    } finally {
      controllers.delete(controller);
    }
  }

  return {
    /** POSTs `body` as JSON; resolves with the outcome, never rejects. */
    async post(url: string, body: unknown, timeoutMs: number): Promise<WebhookOutcome> {
      if (stopped) return { ok: false, detail: 'the hub is stopping' };
      if (active >= concurrency) {
        if (waiting.length >= queueMax) return { ok: false, detail: 'too many webhooks waiting; dropped' };
        // release() hands its slot over, so `active` is already counted for this request.
        await new Promise<void>((resolve) => waiting.push(resolve));
        if (stopped) return { ok: false, detail: 'the hub is stopping' };
      } else {
        active++;
      }
      try {
        return await send(url, body, timeoutMs);
      } finally {
        release();
      }
    },

    /** Aborts requests in flight and fails the waiting ones. */
    stop(): void {
      stopped = true;
      for (const c of controllers) c.abort();
      for (const w of waiting.splice(0)) w();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
