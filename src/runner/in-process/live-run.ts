import type { StoredEvent } from '../run-events.js';

/** Events kept per run for resumption; older ones are dropped first (a reader then resumes from the oldest kept). */
const MAX_EVENTS_PER_RUN = 20000;

/** A run executing (or recently finished) in this process: its event buffer and who waits on it. */
export class LiveRun {
  readonly events: StoredEvent[] = [];
  readonly controller = new AbortController();
  finished = false;
  finishedAt = 0;
  readers = 0;
  private wake: (() => void) | undefined;
  private changed: Promise<void> | undefined;

  constructor(
    readonly runId: string,
    readonly detachable: boolean,
  ) {}

  push(batch: StoredEvent[]): void {
    this.events.push(...batch);
    if (this.events.length > MAX_EVENTS_PER_RUN) this.events.splice(0, this.events.length - MAX_EVENTS_PER_RUN);
    if (batch.some((event) => event.name === 'end')) {
      this.finished = true;
      this.finishedAt = Date.now();
    }
    this.notify();
  }

  /** Index of the first kept event with an id above `afterId`. */
  indexAfter(afterId: number): number {
    const first = this.events[0];
    if (!first) return 0;
    return Math.max(0, Math.min(this.events.length, afterId - first.id + 1));
  }

  /** Resolves at the next push, or when `signal` fires. */
  nextChange(signal?: AbortSignal): Promise<void> {
    this.changed ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    if (!signal) return this.changed;
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void this.changed!.then(done);
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = undefined;
    this.wake = undefined;
    wake?.();
  }
}
