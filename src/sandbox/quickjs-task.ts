import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { OutboundFetch } from '../security/outbound-policy.js';
import type { SandboxTask } from './code-sandbox.js';
import { hostFetch, hostSleep } from './guest-bridges.js';
import { GUEST_PRELUDE, userFunctionSource } from './guest-prelude.js';
import { type TaskLimits, type TaskOutcome, codeFailure, guestFailure, hostFailure, memoryOutcome, timeoutOutcome } from './task-outcome.js';

export type { TaskLimits, TaskOutcome } from './task-outcome.js';
/** Promise jobs run between two looks at the deadline (an interrupt ends one job, not an endless chain of them). */
const JOB_BATCH = 256;

/** What the host needs to tell a memory-capped guest from one that failed: growths refused during the task. */
export interface MemoryWatch {
  refusals(): number;
}

/** The original `JSON.stringify` and `String` of the guest, taken by the prelude before the user's code ran. */
interface GuestKit {
  stringify: QuickJSHandle;
  text: QuickJSHandle;
}

/**
 * Runs one task in a fresh QuickJS runtime (nothing survives from one task to the next) with the
 * memory, stack and time limits set, the prelude's bridges backed by `outbound`, and returns what the
 * code returned. The result is read on the host side: the promise the code returns is followed by its
 * state and its value converted with functions taken before the code ran, so code that breaks its own
 * globals (`JSON.stringify`, `Promise.prototype.then`) changes only what it sees itself.
 */
export async function runQuickJsTask(
  quickjs: QuickJSWASMModule,
  task: SandboxTask,
  limits: TaskLimits,
  outbound: OutboundFetch,
  memory: MemoryWatch = { refusals: () => 0 },
): Promise<TaskOutcome> {
  return new GuestRun(quickjs, limits, outbound, memory).execute(task);
}

class GuestRun {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly deadline: number;
  private readonly refusalsBefore: number;
  private readonly aborts = new AbortController();
  /** Promises handed to the guest and not settled yet (disposed at the end). */
  private readonly deferreds = new Set<QuickJSDeferredPromise>();
  private readonly handles: QuickJSHandle[] = [];
  private interrupted = false;
  private alive = true;
  private hostOps = 0;
  private wake: () => void = () => undefined;
  /** The first error a promise job threw outside the code's own promise chain. */
  private jobError: { dumped: unknown } | undefined;
  /** A host operation could not hand its result to the guest. */
  private bridgeFailure: TaskOutcome | undefined;

  constructor(
    quickjs: QuickJSWASMModule,
    private readonly limits: TaskLimits,
    private readonly outbound: OutboundFetch,
    private readonly memory: MemoryWatch,
  ) {
    this.refusalsBefore = memory.refusals();
    this.runtime = quickjs.newRuntime();
    this.runtime.setMemoryLimit(limits.memoryLimitBytes);
    this.runtime.setMaxStackSize(limits.stackLimitBytes);
    this.deadline = Date.now() + limits.timeoutMs;
    this.runtime.setInterruptHandler(() => (this.interrupted ||= Date.now() >= this.deadline));
    this.context = this.runtime.newContext();
  }

  async execute(task: SandboxTask): Promise<TaskOutcome> {
    // Waiting on host operations runs no guest code, so the interrupt handler alone would not see the deadline.
    const timer = setTimeout(() => {
      this.interrupted = true;
      this.wake();
    }, this.limits.timeoutMs);
    let outcome: TaskOutcome;
    try {
      outcome = await this.run(task);
    } catch (error) {
      outcome = this.hostException(error);
    } finally {
      clearTimeout(timer);
    }
    // A task that hit the memory cap leaves the worker's memory at its largest: the worker is replaced.
    return this.close() && !this.hitCap ? outcome : { ...outcome, fatal: true };
  }

  private get hitCap(): boolean {
    return this.memory.refusals() > this.refusalsBefore;
  }

  private keep(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }

  /** `context.dump` of a copy (dump frees some handles it is given, and keeps others). */
  private dump(handle: QuickJSHandle): unknown {
    const copy = handle.dup();
    try {
      return this.context.dump(copy);
    } finally {
      if (copy.alive) copy.dispose();
    }
  }

  private failureOf(error: QuickJSHandle): TaskOutcome {
    if (this.interrupted) return timeoutOutcome(this.limits);
    return guestFailure(this.dump(error), this.limits, this.hitCap);
  }

  /** A host-side exception: the deadline, the memory cap, or (fatal) a broken interpreter. */
  private hostException(error: unknown): TaskOutcome {
    if (this.interrupted) return timeoutOutcome(this.limits);
    if (this.hitCap) return memoryOutcome(this.limits);
    return hostFailure(error, this.limits);
  }

  private async run(task: SandboxTask): Promise<TaskOutcome> {
    const { context } = this;
    this.installBridges(task);
    const prelude = context.evalCode(GUEST_PRELUDE, 'prelude.js');
    if (prelude.error) return this.failureOf(this.keep(prelude.error));
    const kitObject = this.keep(prelude.value);
    const kit: GuestKit = { stringify: this.keep(context.getProp(kitObject, 'stringify')), text: this.keep(context.getProp(kitObject, 'text')) };

    const compiled = context.evalCode(userFunctionSource(task.code), 'tool.js');
    if (compiled.error) return this.failureOf(this.keep(compiled.error));
    const fn = this.keep(compiled.value);
    if (context.typeof(fn) !== 'function') return codeFailure("The tool's code failed: it must be the body of a function");
    const called = context.callFunction(fn, context.undefined);
    if (called.error) return this.failureOf(this.keep(called.error));
    const settled = await this.settle(this.keep(called.value));
    if (!('handle' in settled)) return settled;
    return this.readResult(settled.handle, kit);
  }

  /** Runs promise jobs until the code's promise settles, it can no longer settle, or the deadline passes. */
  private async settle(promise: QuickJSHandle): Promise<{ handle: QuickJSHandle } | TaskOutcome> {
    this.drain();
    for (;;) {
      if (this.interrupted) return timeoutOutcome(this.limits);
      if (this.bridgeFailure) return this.bridgeFailure;
      const state = this.context.getPromiseState(promise);
      if (state.type === 'fulfilled') return { handle: state.notAPromise ? promise : this.keep(state.value) };
      if (state.type === 'rejected') return this.failureOf(this.keep(state.error));
      if (this.jobError) return guestFailure(this.jobError.dumped, this.limits, this.hitCap);
      if (this.hostOps === 0) {
        return this.hitCap ? memoryOutcome(this.limits) : codeFailure('Error: the code awaited a promise that never settles');
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private drain(): void {
    while (!this.interrupted && this.alive) {
      const jobs = this.runtime.executePendingJobs(JOB_BATCH);
      if (jobs.error) {
        this.jobError ??= { dumped: this.dump(jobs.error) };
        jobs.error.dispose();
        return;
      }
      if (jobs.value < JOB_BATCH) return;
    }
  }

  /** The code's value as a SandboxResult: a string as is, undefined, or JSON (else `String(value)`). */
  private readResult(value: QuickJSHandle, kit: GuestKit): TaskOutcome {
    const { context } = this;
    const type = context.typeof(value);
    if (type === 'undefined') return { ok: true, result: { kind: 'undefined' } };
    if (type === 'string') return this.readText(value, 'string');
    const json = context.callFunction(kit.stringify, context.undefined, value);
    if (json.error) return this.conversionFailure(this.keep(json.error));
    if (context.typeof(this.keep(json.value)) === 'string') return this.readText(json.value, 'json');
    // Functions and symbols have no JSON: their text, as String() gives it.
    const text = context.callFunction(kit.text, context.undefined, value);
    if (text.error) return this.conversionFailure(this.keep(text.error));
    return this.readText(this.keep(text.value), 'string');
  }

  private conversionFailure(error: QuickJSHandle): TaskOutcome {
    const outcome = this.failureOf(error);
    if (outcome.ok || outcome.failure !== 'CODE_ERROR') return outcome;
    return codeFailure(`The tool's code failed: its return value could not be turned into text: ${outcome.message}`);
  }

  /** Copies a guest string out; a copy that came back short (no room to convert it) is the memory limit. */
  private readText(handle: QuickJSHandle, kind: 'string' | 'json'): TaskOutcome {
    if (this.interrupted) return timeoutOutcome(this.limits);
    const text = this.context.getString(handle);
    const length = this.keep(this.context.getProp(handle, 'length'));
    if (this.context.typeof(length) !== 'number' || this.context.getNumber(length) !== text.length) return memoryOutcome(this.limits);
    return { ok: true, result: { kind, text } };
  }

  /** `__aimFetch`, `__aimSleep` and `__aimInput`, which the prelude takes and removes from the global object. */
  private installBridges(task: SandboxTask): void {
    const { context } = this;
    const fetch = hostFetch(this.outbound, this.aborts.signal);
    const sleep = hostSleep(this.limits.timeoutMs, this.aborts.signal);
    const fetchFn = this.bridge('__aimFetch', async ([url, init]) => fetch(context.getString(url!), context.getString(init!)));
    const sleepFn = this.bridge('__aimSleep', async ([ms]) => sleep(context.getNumber(ms!)));
    context.setProp(context.global, '__aimFetch', fetchFn);
    context.setProp(context.global, '__aimSleep', sleepFn);
    fetchFn.dispose();
    sleepFn.dispose();
    const input = context.newString(JSON.stringify({ globals: task.globals, dateGlobals: task.dateGlobals ?? [] }));
    context.setProp(context.global, '__aimInput', input);
    input.dispose();
  }

  /** Settles a guest promise from a host operation, then lets the guest run what that unblocked. */
  private bridge(name: string, start: (args: QuickJSHandle[]) => Promise<string | undefined>): QuickJSHandle {
    const { context } = this;
    return context.newFunction(name, (...args) => {
      const deferred = context.newPromise();
      this.deferreds.add(deferred);
      this.hostOps += 1;
      const hand = (give: () => void) => {
        if (!this.alive) return;
        try {
          give();
          this.deferreds.delete(deferred);
        } catch (error) {
          this.bridgeFailure ??= this.hostException(error);
        }
      };
      start(args)
        .then(
          (value) =>
            hand(() => {
              const handle = value === undefined ? context.undefined : context.newString(value);
              try {
                deferred.resolve(handle);
              } finally {
                handle.dispose();
              }
            }),
          (error: unknown) =>
            hand(() => {
              const handle = context.newError(error instanceof Error ? error.message : String(error));
              try {
                deferred.reject(handle);
              } finally {
                handle.dispose();
              }
            }),
        )
        .finally(() => {
          this.hostOps -= 1;
          if (this.alive) this.drain();
          this.wake();
        });
      return deferred.handle;
    });
  }

  /** Frees the runtime; false when it could not be freed cleanly (the worker must then be replaced). */
  private close(): boolean {
    this.alive = false;
    this.aborts.abort();
    try {
      for (const deferred of this.deferreds) deferred.dispose();
      for (const handle of this.handles) if (handle.alive) handle.dispose();
      this.context.dispose();
      this.runtime.dispose();
      return true;
    } catch {
      return false;
    }
  }
}

