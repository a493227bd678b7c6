import { parentPort, workerData } from 'node:worker_threads';
import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { type QuickJSSyncVariant, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { OutboundFetch } from '../security/outbound-policy.js';
import type { ReadyMessage, ReplyMessage, SandboxWorkerData, TaskMessage } from './sandbox-protocol.js';
import { runQuickJsTask } from './quickjs-task.js';

/**
 * A sandbox worker thread (started by sandbox-pool.ts with an empty environment): loads QuickJS once,
 * then runs the tasks it is sent, one at a time, each in a fresh QuickJS runtime. After a fatal outcome
 * it stops taking tasks; the pool terminates and replaces it.
 */
const data = workerData as SandboxWorkerData;
const port = parentPort!;
// The HTTP client loads with the first fetch: most tools never fetch, and start-up stays short.
let policy: Promise<OutboundFetch> | undefined;
const outbound: OutboundFetch = {
  fetch: async (url, init) => {
    policy ??= import('../security/outbound-policy.js').then(({ OutboundPolicy }) => new OutboundPolicy(data.outbound));
    return (await policy).fetch(url, init);
  },
};
// The package's types describe its CommonJS face; under ESM the variant is the default export.
const variant = (releaseSync as unknown as { default: QuickJSSyncVariant }).default;
const quickjs = await newQuickJSWASMModuleFromVariant(variant);

port.on('message', (message: TaskMessage) => {
  void runQuickJsTask(quickjs, message.task, { ...data, timeoutMs: message.timeoutMs }, outbound).then((outcome) => {
    const reply: ReplyMessage = { id: message.id, ...outcome };
    port.postMessage(reply);
  });
});
const ready: ReadyMessage = { ready: true };
port.postMessage(ready);
