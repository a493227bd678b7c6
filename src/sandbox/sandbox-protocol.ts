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
  /** Backup deadline inside QuickJS (the pool terminates the worker at its own deadline anyway). */
  timeoutMs: number;
}

/** Worker → pool: QuickJS is loaded, tasks may come (start-up time is never charged to a task). */
export interface ReadyMessage {
  ready: true;
}

/** Worker → pool. `fatal`: the interpreter's state can no longer be trusted; the pool replaces the worker. */
export type ReplyMessage =
  | { id: number; ok: true; result: SandboxResult }
  | { id: number; ok: false; failure: SandboxFailure; message: string; fatal?: boolean };
