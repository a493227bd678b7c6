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

  /** Resolves at the next arrival or gap, or when one of `signals` fires. */
  wait(...signals: Array<AbortSignal | undefined>): Promise<void> {
    const active = signals.filter((s): s is AbortSignal => s !== undefined);
    if (active.some((s) => s.aborted)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        for (const s of active) s.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      for (const s of active) s.addEventListener('abort', done, { once: true });
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
    await this.unlisten?.();
  }
}
