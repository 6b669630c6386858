import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG, listenOn } from '../../server/listen.ts';

describe('listenOn', () => {
  it('binds a free port with a deep accept queue, so a reconnect storm is not dropped', async () => {
    const server = createServer();
    const port = await listenOn(server, 0, '127.0.0.1');
    try {
      expect(port).toBeGreaterThan(0);
      // For a listening socket, ss shows the backlog as Send-Q; the kernel caps it at somaxconn.
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
      const sendQ = Number(line.split(/\s+/)[2]);
      expect(sendQ).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects when the port is taken', async () => {
    const first = createServer();
    const port = await listenOn(first, 0, '127.0.0.1');
    try {
      await expect(listenOn(createServer(), port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => first.close(resolve));
    }
  });
});
