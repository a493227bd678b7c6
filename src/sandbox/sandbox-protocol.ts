import type { OutboundPolicyConfig } from '../security/outbound-policy.js';
import type { SandboxFailure, SandboxResult, SandboxTask } from './code-sandbox.js';

/** Messages between the pool (main thread) and a sandbox worker thread. */

/** `workerData` of a sandbox worker. */
export interface SandboxWorkerData {
  outbound: OutboundPolicyConfig;
  memoryLimitBytes: number;
  stackLimitBytes: number;
}

/** Pool → worker: run one task (a worker runs one at a time). */
export interface TaskMessage {
  id: number;
  task: SandboxTask;
  /** Deadline inside the worker (the pool terminates the worker at its own deadline anyway). */
  timeoutMs: number;
}

/**
 * Worker → pool: QuickJS is loaded, tasks may come (start-up time is never charged to a task).
 * `memoryBytes`: the size of its WebAssembly memory, and `capBytes` the most it may ever grow to.
 */
export interface ReadyMessage {
  ready: true;
  memoryBytes: number;
  capBytes: number;
}

/**
 * Worker → pool, after each task. `fatal`: the worker must not run another task (its interpreter's
 * state is suspect, or its memory hit the cap); the pool replaces it. `memoryBytes`: the size of its
 * WebAssembly memory after the task (it never shrinks: the most the task made it hold).
 */
export type ReplyMessage = { id: number; memoryBytes: number } & (
  | { ok: true; result: SandboxResult; fatal?: boolean }
  | { ok: false; failure: SandboxFailure; message: string; fatal?: boolean }
);
