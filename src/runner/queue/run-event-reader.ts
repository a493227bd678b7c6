import type { StoredEvent } from '../run-events.js';
import type { HubListener, RunEventHub } from './run-event-hub.js';

/**
 * One reader's view of a run's live events: subscribed through the hub, it buffers what arrives,
 * and hands out events strictly in id order, each once. Backfills from the stream are merged in, so a
 * reader that attached late, or lost messages while Redis reconnected, still sees every event.
 */
export class RunEventReader implements HubListener {
  private readonly pending = new Map<number, StoredEvent>();
  private wake: (() => void) | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly unstop: Array<() => void> = [];
  /** Set when messages may have been lost; the reader backfills before going on. */
  gapSuspected = false;
  /** Id of the run's `end` event, once seen (the reader may already be past it). */
  endId: number | undefined;

  private constructor(public lastId: number) {}

  static async open(hub: RunEventHub, runId: string, afterId: number): Promise<RunEventReader> {
    const reader = new RunEventReader(afterId);
    reader.unlisten = await hub.listen(runId, reader);
    return reader;
  }

  onEvents(events: StoredEvent[]): void {
    for (const event of events) {
      if (event.name === 'end') this.endId = event.id;
      if (event.id > this.lastId) this.pending.set(event.id, event);
    }
    this.wake?.();
  }

  onGap(): void {
    this.gapSuspected = true;
    this.wake?.();
  }

  /** Adds events read from the stream (duplicates of live ones are dropped). */
  merge(events: StoredEvent[]): void {
    this.onEvents(events);
  }

  /**
   * The buffered events that follow `lastId` without a hole, in order. When the smallest buffered id
   * leaves a hole, `hole` is true (the caller backfills; after that it may accept the jump).
   */
  take(acceptHole: boolean): { events: StoredEvent[]; hole: boolean } {
    const events: StoredEvent[] = [];
    const ids = [...this.pending.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (id !== this.lastId + 1 && !acceptHole) return { events, hole: true };
      const event = this.pending.get(id)!;
      this.pending.delete(id);
      events.push(event);
      this.lastId = id;
      acceptHole = false;
    }
    return { events, hole: false };
  }

  /**
   * Makes `wait` return when one of `signals` fires. Registered once per read rather than per wait:
   * a reader waits once per batch of events it relays.
   */
  stopOn(...signals: Array<AbortSignal | undefined>): void {
    for (const signal of signals) {
      if (!signal) continue;
      const stop = () => this.wake?.();
      signal.addEventListener('abort', stop, { once: true });
      this.unstop.push(() => signal.removeEventListener('abort', stop));
    }
  }

  /** Resolves at the next arrival or gap, or when a signal given to `stopOn` fires (check them first). */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** True when the reader resumed at or after the run's `end`: nothing more will come. */
  get pastEnd(): boolean {
    return this.endId !== undefined && this.lastId >= this.endId;
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  async close(): Promise<void> {
    for (const remove of this.unstop.splice(0)) remove();
    await this.unlisten?.();
  }
}
