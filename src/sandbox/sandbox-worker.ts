import { parentPort, workerData } from 'node:worker_threads';
import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { type QuickJSSyncVariant, newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import type { OutboundFetch } from '../security/outbound-policy.js';
import type { ReadyMessage, ReplyMessage, SandboxWorkerData, TaskMessage } from './sandbox-protocol.js';
import { runQuickJsTask } from './quickjs-task.js';
import { createSandboxMemory, guardHostAllocations } from './wasm-memory.js';

/**
 * A sandbox worker thread (started by sandbox-pool.ts with an empty environment): loads QuickJS once,
 * into a WebAssembly memory capped at SANDBOX_MEMORY_LIMIT plus the interpreter's overhead
 * (wasm-memory.ts), then runs the tasks it is sent, one at a time, each in a fresh QuickJS runtime.
 * Every reply carries the memory's size. After a fatal outcome it stops taking tasks; the pool
 * terminates and replaces it.
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
const sandboxMemory = createSandboxMemory(data.memoryLimitBytes);
const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: sandboxMemory.memory }));
guardHostAllocations(quickjs);
const memoryBytes = () => sandboxMemory.memory.buffer.byteLength;

let broken = false;
port.on('message', (message: TaskMessage) => {
  if (broken) return; // the pool is replacing this worker
  void runQuickJsTask(quickjs, message.task, { ...data, timeoutMs: message.timeoutMs }, outbound, sandboxMemory).then((outcome) => {
    broken ||= outcome.fatal === true;
    const reply: ReplyMessage = { id: message.id, memoryBytes: memoryBytes(), ...outcome };
    port.postMessage(reply);
  });
});
const ready: ReadyMessage = { ready: true, memoryBytes: memoryBytes(), capBytes: sandboxMemory.capBytes };
port.postMessage(ready);
