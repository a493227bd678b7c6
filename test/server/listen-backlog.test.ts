import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** The kernel's cap on a listen backlog (Node's default backlog is 511). */
const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
const BURST = Math.min(1500, somaxconn - 8);

/**
 * Opens `count` connections from another thread and notifies `done[0]` once every handshake has
 * completed (a handshake completes only when the server's accept queue has room).
 */
const CONNECTOR = `
const net = require('node:net');
const { workerData, parentPort } = require('node:worker_threads');
const done = new Int32Array(workerData.shared);
const sockets = [];
let connected = 0;
for (let i = 0; i < workerData.count; i += 1) {
  const socket = net.connect(workerData.port, '127.0.0.1', () => {
    connected += 1;
    if (connected === workerData.count) { Atomics.store(done, 0, 1); Atomics.notify(done, 0); }
  });
  socket.on('error', () => undefined);
  sockets.push(socket);
}
parentPort.on('message', () => { for (const s of sockets) s.destroy(); parentPort.close(); });
`;

describe('the server under a burst of connections', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('has the kernel hold a burst larger than Node\'s default backlog while its event loop is busy', async () => {
    server = await startServer(testEnv());
    const port = Number(new URL(server.url).port);
    const shared = new SharedArrayBuffer(4);
    const done = new Int32Array(shared);
    const connector = new Worker(CONNECTOR, { eval: true, workerData: { port, count: BURST, shared } });
    // The server's thread stays blocked (accepting nothing) until every handshake of the burst has
    // completed, so they all sit in the accept queue. With a backlog of 511 they never would: the
    // wait gives up, and the check below fails.
    const outcome = Atomics.wait(done, 0, 0, 20000);
    connector.postMessage('close');
    await new Promise((resolve) => connector.once('exit', resolve));
    expect(outcome).not.toBe('timed-out');
    expect((await new ApiClient(server.url).get('/api/v1/ping')).status).toBe(200);
  });
});
