import {
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
  shouldInterruptAfterDeadline,
} from 'quickjs-emscripten-core';
import type { OutboundFetch } from '../security/outbound-policy.js';
import type { SandboxFailure, SandboxResult, SandboxTask } from './code-sandbox.js';
import { GUEST_PRELUDE, wrapUserCode } from './guest-prelude.js';

/** Requests one task may have in flight at once; one more fails (a fan-out of requests is not what tools are for). */
const MAX_PARALLEL_FETCHES = 8;

export interface TaskLimits {
  memoryLimitBytes: number;
  stackLimitBytes: number;
  timeoutMs: number;
}

export type TaskOutcome =
  | { ok: true; result: SandboxResult }
  | { ok: false; failure: SandboxFailure; message: string; fatal?: boolean };

interface GuestError {
  name?: string;
  message?: string;
}

/** Maps an error thrown inside QuickJS to a failure kind and a one-line message. */
function guestFailure(dumped: unknown, limits: TaskLimits): TaskOutcome {
  const error = (dumped ?? {}) as GuestError;
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const message = typeof error.message === 'string' ? error.message : typeof dumped === 'string' ? dumped : JSON.stringify(dumped);
  if (name === 'InternalError' && message === 'interrupted') {
    return { ok: false, failure: 'TIMEOUT', message: `The code ran longer than ${limits.timeoutMs} ms (SANDBOX_TIMEOUT)` };
  }
  if (name === 'InternalError' && message === 'out of memory') {
    return { ok: false, failure: 'MEMORY', message: `The code used more than ${limits.memoryLimitBytes} bytes of memory (SANDBOX_MEMORY_LIMIT)` };
  }
  if (name === 'InternalError' && message === 'stack overflow') {
    return { ok: false, failure: 'STACK', message: `The code recursed too deeply (SANDBOX_STACK_LIMIT ${limits.stackLimitBytes} bytes)` };
  }
  return { ok: false, failure: 'CODE_ERROR', message: `${name}: ${message}` };
}

function parseResult(text: string): SandboxResult {
  const parsed = JSON.parse(text) as SandboxResult;
  if (parsed.kind === 'undefined') return { kind: 'undefined' };
  return { kind: parsed.kind, text: String(parsed.text) };
}

/**
 * Runs one task in a fresh QuickJS runtime (nothing survives from one task to the next) with the
 * memory, stack and time limits set, the prelude's bridges backed by `outbound`, and returns what the
 * code returned. A host-side exception out of the interpreter (e.g. the native stack) is reported as
 * `fatal`: the caller must not reuse this WebAssembly instance.
 */
export async function runQuickJsTask(
  quickjs: QuickJSWASMModule,
  task: SandboxTask,
  limits: TaskLimits,
  outbound: OutboundFetch,
): Promise<TaskOutcome> {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(limits.memoryLimitBytes);
  runtime.setMaxStackSize(limits.stackLimitBytes);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.timeoutMs));
  const context = runtime.newContext();
  const aborts = new AbortController();
  let alive = true;
  let hostOps = 0;
  let wake: () => void = () => undefined;
  /** The first error a pending job threw (an interrupt or out-of-memory may leave the guest promise pending). */
  let jobError: unknown;
  const drain = () => {
    const jobs = runtime.executePendingJobs();
    if (jobs.error) {
      if (jobError === undefined) jobError = context.dump(jobs.error) ?? 'Error';
      jobs.error.dispose();
    }
  };

  /** Settles a guest promise from a host operation, then lets the guest run what that unblocked. */
  const bridge = (name: string, start: (args: QuickJSHandle[]) => Promise<string | undefined>) =>
    context.newFunction(name, (...args) => {
      const deferred = context.newPromise();
      hostOps += 1;
      start(args)
        .then(
          (value) => {
            if (!alive) return;
            const handle = value === undefined ? context.undefined : context.newString(value);
            deferred.resolve(handle);
            handle.dispose();
          },
          (error: unknown) => {
            if (!alive) return;
            const handle = context.newError(error instanceof Error ? error.message : String(error));
            deferred.reject(handle);
            handle.dispose();
          },
        )
        .finally(() => {
          hostOps -= 1;
          if (alive) drain();
          wake();
        });
      return deferred.handle;
    });

  let inFlight = 0;
  const fetchFn = bridge('__aimFetch', async ([urlHandle, initHandle]) => {
    if (inFlight >= MAX_PARALLEL_FETCHES) throw new Error(`At most ${MAX_PARALLEL_FETCHES} requests may run at once`);
    const url = context.getString(urlHandle!);
    const init = JSON.parse(context.getString(initHandle!)) as { method?: string; headers?: Record<string, string>; body?: string };
    inFlight += 1;
    try {
      const response = await outbound.fetch(url, { ...init, signal: aborts.signal });
      return JSON.stringify({
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        redirected: response.url !== url,
        headers: response.headers,
        body: response.text(),
      });
    } finally {
      inFlight -= 1;
    }
  });
  const sleepFn = bridge('__aimSleep', ([msHandle]) => {
    const ms = Math.min(context.getNumber(msHandle!), limits.timeoutMs);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      aborts.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  });

  try {
    context.setProp(context.global, '__aimFetch', fetchFn);
    context.setProp(context.global, '__aimSleep', sleepFn);
    const input = context.newString(JSON.stringify({ globals: task.globals, dateGlobals: task.dateGlobals ?? [] }));
    context.setProp(context.global, '__aimInput', input);
    input.dispose();
    fetchFn.dispose();
    sleepFn.dispose();

    const prelude = context.evalCode(GUEST_PRELUDE, 'prelude.js');
    if (prelude.error) {
      const outcome = guestFailure(context.dump(prelude.error), limits);
      prelude.error.dispose();
      return outcome;
    }
    prelude.value.dispose();

    const evaluated = context.evalCode(wrapUserCode(task.code), 'tool.js');
    if (evaluated.error) {
      const outcome = guestFailure(context.dump(evaluated.error), limits);
      evaluated.error.dispose();
      return outcome;
    }
    const promise = evaluated.value;
    const settled = context.resolvePromise(promise);
    drain();
    // A guest promise that waits on nothing the host will ever settle would hang until the deadline.
    for (;;) {
      if (jobError !== undefined) {
        promise.dispose();
        return guestFailure(jobError, limits);
      }
      const state = context.getPromiseState(promise);
      if (state.type !== 'pending') {
        if ('value' in state && state.value) state.value.dispose();
        if ('error' in state && state.error) state.error.dispose();
        break;
      }
      if (hostOps === 0) {
        promise.dispose();
        return { ok: false, failure: 'CODE_ERROR', message: 'Error: the code awaited a promise that never settles' };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
    promise.dispose();
    const result = await settled;
    if (result.error) {
      const outcome = guestFailure(context.dump(result.error), limits);
      result.error.dispose();
      return outcome;
    }
    const text = context.getString(result.value);
    result.value.dispose();
    return { ok: true, result: parseResult(text) };
  } catch (error) {
    return hostFailure(error);
  } finally {
    alive = false;
    aborts.abort();
    disposeQuietly(context, runtime);
  }
}

/** An exception thrown by the interpreter into the host: its state is suspect, so the worker is replaced. */
function hostFailure(error: unknown): TaskOutcome {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return { ok: false, failure: 'STACK', message: 'The code recursed too deeply (the sandbox stack overflowed)', fatal: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, failure: 'CRASHED', message: `The sandbox failed: ${message}`, fatal: true };
}

function disposeQuietly(context: QuickJSContext, runtime: { dispose(): void }): void {
  try {
    context.dispose();
    runtime.dispose();
  } catch {
    // A leaked handle after a failure; the runtime's memory goes with the next fatal reset at worst.
  }
}
