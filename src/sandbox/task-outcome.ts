import type { SandboxFailure, SandboxResult } from './code-sandbox.js';
import { HostAllocationError } from './wasm-memory.js';

export interface TaskLimits {
  memoryLimitBytes: number;
  stackLimitBytes: number;
  timeoutMs: number;
}

/**
 * What one task ended with. `fatal`: the interpreter's state can no longer be trusted (an exception out
 * of WebAssembly, a runtime that would not free), so the worker must not run another task.
 */
export type TaskOutcome =
  | { ok: true; result: SandboxResult; fatal?: boolean }
  | { ok: false; failure: SandboxFailure; message: string; fatal?: boolean };

export const timeoutOutcome = (limits: TaskLimits): TaskOutcome => ({
  ok: false,
  failure: 'TIMEOUT',
  message: `The code ran longer than ${limits.timeoutMs} ms (SANDBOX_TIMEOUT)`,
});

export const memoryOutcome = (limits: TaskLimits): TaskOutcome => ({
  ok: false,
  failure: 'MEMORY',
  message: `The code used more than ${limits.memoryLimitBytes} bytes of memory: it reached the sandbox's memory limit (SANDBOX_MEMORY_LIMIT)`,
});

/** A failure of the user's code that is not one of the limits; `message` says what the code did. */
export const codeFailure = (message: string): TaskOutcome => ({ ok: false, failure: 'CODE_ERROR', message });

interface GuestError {
  name?: unknown;
  message?: unknown;
}

/**
 * Maps an error thrown inside QuickJS (as `context.dump` gives it) to a failure kind and a one-line
 * message. `hitCap`: an allocation hit the WebAssembly memory's cap during the task, so a failure whose
 * error could not even be built (at the cap) is still reported as the memory limit.
 */
export function guestFailure(dumped: unknown, limits: TaskLimits, hitCap: boolean): TaskOutcome {
  const error = (typeof dumped === 'object' && dumped !== null ? dumped : {}) as GuestError;
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const message =
    typeof error.message === 'string' ? error.message : typeof dumped === 'string' ? dumped : (JSON.stringify(dumped) ?? String(dumped));
  if (name === 'InternalError' && message === 'interrupted') return timeoutOutcome(limits);
  if (name === 'InternalError' && message === 'out of memory') return memoryOutcome(limits);
  if (name === 'InternalError' && message === 'stack overflow') {
    return { ok: false, failure: 'STACK', message: `The code recursed too deeply (SANDBOX_STACK_LIMIT ${limits.stackLimitBytes} bytes)` };
  }
  if (hitCap && (dumped === null || dumped === undefined)) return memoryOutcome(limits);
  return codeFailure(`${name}: ${message}`);
}

/**
 * An exception thrown into the host while it worked with the interpreter. A host allocation that found
 * no room is the memory limit; anything else leaves the interpreter's state suspect, so it is fatal.
 */
export function hostFailure(error: unknown, limits: TaskLimits): TaskOutcome {
  if (error instanceof HostAllocationError) return memoryOutcome(limits);
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return { ok: false, failure: 'STACK', message: 'The code recursed too deeply (the sandbox stack overflowed)', fatal: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, failure: 'CRASHED', message: `The sandbox failed: ${message}`, fatal: true };
}
