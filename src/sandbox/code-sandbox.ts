/**
 * The one interface every piece of code that runs user-written JavaScript goes through (customTool today;
 * customFunction, ifElseFunction and openAPIToolkit's customCode would reuse it). The implementation
 * (sandbox-pool.ts) runs the code in QuickJS compiled to WebAssembly, inside a worker thread: the code
 * never shares the server's heap, sees no host module, file, environment variable or socket, and reaches
 * the network only through a `fetch` that obeys the outbound policy.
 */

/** One piece of user code to run. */
export interface SandboxTask {
  /**
   * The body of an async function (Flowise's custom tool `func`): it may `await` and `return` a value.
   * It sees `fetch`, `require('axios' | 'node-fetch')` (both backed by that fetch), `console` (discarded),
   * `setTimeout`/`clearTimeout`, and the globals below; nothing else of the host.
   */
  code: string;
  /** Global variables the code sees, e.g. `{ $vars: {...}, $flow: {...}, $city: 'Paris' }`: JSON values. */
  globals: Record<string, unknown>;
  /** Names among `globals` whose (ISO string) values become `Date` objects in the sandbox. */
  dateGlobals?: string[];
}

/** What the code returned: a string as is, `undefined`, or anything else as its JSON text. */
export type SandboxResult = { kind: 'string'; text: string } | { kind: 'json'; text: string } | { kind: 'undefined' };

export type SandboxFailure =
  /** The code threw, or its promise rejected; `message` is the thrown error's "Name: message". */
  | 'CODE_ERROR'
  /** It ran past SANDBOX_TIMEOUT; the worker running it was terminated. */
  | 'TIMEOUT'
  /** It allocated more than SANDBOX_MEMORY_LIMIT (or its worker ran out of heap). */
  | 'MEMORY'
  /** It recursed deeper than SANDBOX_STACK_LIMIT allows. */
  | 'STACK'
  /** The worker died for another reason. */
  | 'CRASHED'
  /** The sandbox is closing (shutdown). */
  | 'CLOSED';

/** A failure of the sandboxed code or of the sandbox; `message` is safe to show to the model or user. */
export class SandboxError extends Error {
  constructor(
    readonly failure: SandboxFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export interface CodeSandbox {
  /**
   * Runs one task. Rejects with SandboxError, or with `signal.reason` when the signal aborts (the code is
   * stopped at once: its worker is terminated). Tasks wait for a free worker in arrival order.
   */
  run(task: SandboxTask, signal?: AbortSignal): Promise<SandboxResult>;
  /** Stops every worker; waiting and running tasks fail with CLOSED (idempotent). */
  close(): Promise<void>;
}

/** Limits of the sandbox (env SANDBOX_*; configured in src/config). */
export interface SandboxConfig {
  /** Wall-clock time one task may take, from the moment a worker takes it, in ms. */
  timeoutMs: number;
  /**
   * Memory one task may use, in bytes: a hard cap, as each worker's WebAssembly memory may hold at most
   * this plus the interpreter's overhead (sandbox/wasm-memory.ts).
   */
  memoryLimitBytes: number;
  /** QuickJS stack limit per task, in bytes. */
  stackLimitBytes: number;
  /** Worker threads at most (tasks running at once). */
  poolSize: number;
}
