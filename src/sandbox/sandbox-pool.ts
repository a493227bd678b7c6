import { Worker } from 'node:worker_threads';
import type { OutboundPolicyConfig } from '../security/outbound-policy.js';
import type { Logger } from '../shared/logger.js';
import { type CodeSandbox, type SandboxConfig, SandboxError, type SandboxResult, type SandboxTask } from './code-sandbox.js';
import type { ReadyMessage, ReplyMessage, SandboxWorkerData, TaskMessage } from './sandbox-protocol.js';
import { retainedMemoryLimit, wasmMemoryCap } from './wasm-memory.js';

/**
 * The CodeSandbox: a pool of at most `poolSize` worker threads, each running QuickJS (WebAssembly).
 * Workers start when first needed and are kept. A task that runs past `timeoutMs`, or whose signal
 * aborts, is stopped by terminating its worker (the hard kill: no cooperation from the code needed); a
 * worker that died or reported a fatal state is dropped, and the next task starts a new one. Other tasks
 * never wait for a runaway one beyond the pool's size: each worker runs one task at a time.
 *
 * Memory: QuickJS runs in a WebAssembly memory capped at SANDBOX_MEMORY_LIMIT plus the interpreter's
 * overhead (wasm-memory.ts), a hard cap no allocation in the guest can pass. That memory never shrinks,
 * so a worker that reports it grew past `retainedMemoryLimit` after a task (or that hit the cap) is
 * replaced at once, and its memory returns to the OS. The worker's own V8 heap (host-side copies of
 * fetched bodies and results) is capped with `resourceLimits`; its stack is sized from the QuickJS stack
 * limit so a deep recursion fails inside QuickJS first. Workers get an empty `process.env`.
 */

interface Job {
  id: number;
  task: SandboxTask;
  signal?: AbortSignal;
  resolve(result: SandboxResult): void;
  reject(error: unknown): void;
  onAbort?: () => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** QuickJS is loaded in it. */
  ready: boolean;
  job?: Job;
  /** Set once the worker is being terminated; it takes no more jobs. */
  retired: boolean;
  /** Size of its WebAssembly memory, as it last reported. */
  memoryBytes: number;
}

/** The sandbox's WebAssembly memory, as the workers report it (for tests, metrics and the benchmark). */
export interface SandboxMemoryStats {
  /** The most one worker's memory can hold: SANDBOX_MEMORY_LIMIT plus the interpreter's overhead. */
  capBytes: number;
  /** What the live workers hold now. */
  heldBytes: number;
  /** The largest size any worker reported after a task. */
  peakBytes: number;
  /** Workers replaced because of their memory (grown past the retained limit, or at the cap). */
  recycled: number;
}

const MB = 1024 * 1024;

/** Where the worker's code is: the compiled .js beside this file, or (tests, `npm run dev`) the .ts through tsx. */
function workerEntry(): URL {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const entry = new URL('./sandbox-worker.ts', self).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
  }
  return new URL('./sandbox-worker.js', self);
}

export class SandboxPool implements CodeSandbox {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly log?: Logger;
  private peakBytes = 0;
  private recycled = 0;
  private started = 0;
  /** Terminations under way (a replaced worker's memory is freed when its thread has exited). */
  private readonly exiting = new Set<Promise<unknown>>();

  constructor(
    private readonly config: SandboxConfig,
    private readonly outbound: OutboundPolicyConfig,
    logger?: Logger,
  ) {
    this.log = logger?.child({ module: 'sandbox' });
  }

  run(task: SandboxTask, signal?: AbortSignal): Promise<SandboxResult> {
    if (this.closed) return Promise.reject(new SandboxError('CLOSED', 'The sandbox is shut down'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<SandboxResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, signal, resolve, reject };
      if (signal) {
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Tasks running now (for tests and metrics). */
  get busyWorkers(): number {
    return [...this.slots].filter((slot) => slot.job).length;
  }

  get workerCount(): number {
    return this.slots.size;
  }

  /** Workers started so far (a worker that was replaced counts again for its replacement). */
  get startedWorkers(): number {
    return this.started;
  }

  memoryStats(): SandboxMemoryStats {
    const heldBytes = [...this.slots].reduce((sum, slot) => sum + slot.memoryBytes, 0);
    return { capBytes: wasmMemoryCap(this.config.memoryLimitBytes), heldBytes, peakBytes: this.peakBytes, recycled: this.recycled };
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].find((s) => s.ready && !s.job && !s.retired);
      if (idle) {
        this.start(idle, this.queue.shift()!);
        continue;
      }
      const starting = [...this.slots].filter((s) => !s.ready).length;
      if (starting >= this.queue.length || this.slots.size >= this.config.poolSize) return;
      this.spawn();
    }
  }

  private spawn(): Slot {
    const workerData: SandboxWorkerData = {
      outbound: this.outbound,
      memoryLimitBytes: this.config.memoryLimitBytes,
      stackLimitBytes: this.config.stackLimitBytes,
    };
    const worker = new Worker(workerEntry(), {
      workerData,
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: {
        // Host-side copies of fetched bodies and results live here; QuickJS's own heap is WebAssembly memory.
        maxOldGenerationSizeMb: 128 + Math.ceil((4 * this.outbound.maxResponseBytes) / MB),
        maxYoungGenerationSizeMb: 32,
        stackSizeMb: Math.max(4, Math.ceil((4 * this.config.stackLimitBytes) / MB)),
      },
    });
    const slot: Slot = { worker, ready: false, retired: false, memoryBytes: 0 };
    this.started += 1;
    this.slots.add(slot);
    worker.on('message', (message: ReplyMessage | ReadyMessage) => {
      if ('ready' in message) {
        slot.ready = true;
        slot.memoryBytes = message.memoryBytes;
        this.dispatch();
      } else {
        this.onReply(slot, message);
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.log?.warn({ reason: error.message }, 'sandbox worker failed');
      this.drop(slot, memory
        ? new SandboxError('MEMORY', 'The code made the sandbox run out of memory')
        : new SandboxError('CRASHED', `The sandbox failed: ${error.message}`));
    });
    worker.on('exit', () => this.drop(slot, new SandboxError('CRASHED', 'The sandbox worker stopped unexpectedly')));
    // stdout/stderr are piped (and drained) so nothing a worker prints reaches the server's output.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    job.timer = setTimeout(() => {
      this.kill(slot, new SandboxError('TIMEOUT', `The code ran longer than ${this.config.timeoutMs} ms (SANDBOX_TIMEOUT); it was stopped`));
    }, this.config.timeoutMs);
    const message: TaskMessage = { id: job.id, task: job.task, timeoutMs: this.config.timeoutMs };
    slot.worker.postMessage(message);
  }

  private onReply(slot: Slot, reply: ReplyMessage): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    this.release(slot);
    slot.memoryBytes = reply.memoryBytes;
    this.peakBytes = Math.max(this.peakBytes, reply.memoryBytes);
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new SandboxError(reply.failure, reply.message));
    const grown = reply.memoryBytes > retainedMemoryLimit(this.config.memoryLimitBytes);
    if (reply.fatal || grown) {
      if (grown) this.recycled += 1;
      this.retire(slot);
    }
    this.dispatch();
  }

  /** Detaches the job from its slot (timer, abort listener); the slot is free again. */
  private release(slot: Slot): Job | undefined {
    const job = slot.job;
    if (!job) return undefined;
    clearTimeout(job.timer);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    slot.job = undefined;
    if (!slot.retired) slot.worker.unref();
    return job;
  }

  private abort(job: Job, reason: unknown): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(reason);
      return;
    }
    const slot = [...this.slots].find((s) => s.job === job);
    if (slot) this.kill(slot, reason);
  }

  /** The hard kill: the job fails with `reason`, the worker is terminated and replaced on demand. */
  private kill(slot: Slot, reason: unknown): void {
    const job = this.release(slot);
    job?.reject(reason);
    this.retire(slot);
    this.dispatch();
  }

  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.delete(slot);
    const exit = slot.worker.terminate().catch(() => undefined);
    this.exiting.add(exit);
    void exit.then(() => this.exiting.delete(exit));
  }

  /** Resolves once every worker replaced so far has exited (its memory is back with the OS). */
  async drained(): Promise<void> {
    while (this.exiting.size > 0) await Promise.all([...this.exiting]);
  }

  /**
   * A worker died on its own (error, exit): its job fails and it leaves the pool. One that died while
   * starting fails the oldest waiting task instead, so a sandbox that cannot start reports it rather
   * than restarting forever.
   */
  private drop(slot: Slot, error: SandboxError): void {
    if (slot.retired) return;
    const job = this.release(slot) ?? (slot.ready ? undefined : this.queue.shift());
    job?.reject(error);
    this.retire(slot);
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new SandboxError('CLOSED', 'The sandbox is shut down');
    for (const job of this.queue.splice(0)) job.reject(error);
    const slots = [...this.slots];
    for (const slot of slots) {
      this.release(slot)?.reject(error);
      slot.retired = true;
    }
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate().catch(() => undefined)));
  }
}
