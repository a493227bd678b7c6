import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Node options of the product's processes in the Docker image (NODE_OPTIONS) and `npm start` / `npm run start-worker`. */
export const PRODUCT_NODE_ARGS = ['--max-semi-space-size=64'];

/** dist/bench → the project root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');

/** Node options that let `memoryAfterGc` ask the process for a full GC (see bench/gc-probe.ts). */
export const GC_PROBE_NODE_ARGS = ['--expose-gc', `--import=${pathToFileURL(path.join(DIST, 'bench/gc-probe.js')).href}`];

/** What bench/gc-probe.ts reports after a full GC, in MiB (youngMiB: the young generation's resident part). */
export interface MemoryAfterGc {
  rssMiB: number;
  youngMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

/** A process the benchmark started: its output, readiness, memory and CPU, and a way to stop it. */
export class BenchProcess {
  private output = '';
  readonly startedAt = performance.now();
  readyMs: number | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** Runs a built JavaScript file of this project with node (no TypeScript loader). */
  static node(name: string, script: string, args: string[], env: Record<string, string>, extraNodeArgs: string[] = []): BenchProcess {
    // The product's processes run as the Docker image and the npm scripts run them (PRODUCT_NODE_ARGS);
    // AIM_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") adds to them, to profile.
    const product = script.startsWith('src/') ? [...PRODUCT_NODE_ARGS, ...(process.env.AIM_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)] : [];
    const nodeArgs = [...product, ...extraNodeArgs];
    const child = spawn(process.execPath, [...nodeArgs, path.join(DIST, script), ...args], {
      cwd: env.DATABASE_PATH ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BenchProcess(name, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  async waitFor(pattern: RegExp, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.readyMs ??= Math.round(performance.now() - this.startedAt);
  }

  /** Resident memory now and at its peak (VmHWM), in MiB. */
  memory(): { rssMiB: number; peakMiB: number } {
    return memoryOf(this.pid);
  }

  /** User + system CPU time used so far, in ms. */
  cpuMs(): number {
    return cpuMsOf(this.pid);
  }

  private gcProbes = 0;

  /**
   * Memory after a full garbage collection, in MiB: the process must have been started with
   * GC_PROBE_NODE_ARGS (bench/gc-probe.ts answers SIGUSR2 with a GC and a line of figures).
   */
  async memoryAfterGc(timeoutMs = 60000): Promise<MemoryAfterGc> {
    this.gcProbes += 1;
    const line = new RegExp(`gc-probe ${this.gcProbes} (\\{.*\\})`);
    this.child.kill('SIGUSR2');
    await this.waitFor(line, timeoutMs);
    return JSON.parse(line.exec(this.output)![1]!) as MemoryAfterGc;
  }

  /**
   * Freezes (SIGSTOP) or thaws (SIGCONT) the process. A frozen process costs no CPU, whatever its timers
   * and garbage collector would have done: the bench freezes the stacks not under load.
   */
  setFrozen(frozen: boolean): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    // A frozen process would not act on the signal until thawed.
    this.child.kill('SIGCONT');
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
  }
}

export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(kb('VmRSS') / 102.4) / 10, peakMiB: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/**
 * Context switches of a process, summed over its threads (/proc/<pid>/task/<tid>/status). A thread
 * switches voluntarily when it goes to sleep (the event loop waiting in epoll, a pool thread waiting
 * for work), so `voluntary` counts the times its threads woke up again; `involuntary` counts
 * preemptions. Threads that ended meanwhile are not counted.
 */
export function contextSwitchesOf(pid: number): { voluntary: number; involuntary: number } {
  const total = { voluntary: 0, involuntary: 0 };
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return total;
  }
  for (const tid of tids) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      total.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      total.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

/** Wake-ups of a process so far: its threads' voluntary context switches (see contextSwitchesOf). */
export const wakeupsOf = (pid: number): number => contextSwitchesOf(pid).voluntary;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU ms of a process (/proc/<pid>/stat), with its reaped children's when `children`. */
export function cpuMsOf(pid: number, children = false): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
}

/**
 * CPU ms used so far by a process and all its descendants (PostgreSQL's postmaster and its backends,
 * say), the exited ones included: a child that ended is counted in its parent's cutime/cstime once
 * reaped. Other processes of the same name on the machine (other test runs) are not counted.
 */
export function cpuMsOfTree(pid: number): number {
  let total: number;
  try {
    total = cpuMsOf(pid, true);
  } catch {
    return 0; // ended meanwhile
  }
  for (const child of childrenOf(pid)) total += cpuMsOfTree(child);
  return total;
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}
