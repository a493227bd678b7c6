import type { RunEvent, RunEventName, RunEventSink } from '../engine/events/run-event.js';

/**
 * A run event as it is stored and relayed: its id (increasing within a run, the SSE `id:`) and the
 * envelope `{"event":…,"data":…}` serialised once. Relays write `json` verbatim.
 */
export interface StoredEvent {
  id: number;
  name: RunEventName;
  json: string;
}

/** Events no SSE client sees (api-contract §5 has no such event). */
export const INTERNAL_EVENTS: ReadonlySet<RunEventName> = new Set(['result']);

/**
 * Events an SSE stream leaves out unless its client asked for the per-node trace (`X-Aim-Trace: true`
 * or `?trace=true`): Flowise's clients (flowise-sdk, flowise-embed) see exactly the stream they know.
 */
export const UNTRACED_HIDDEN_EVENTS: ReadonlySet<RunEventName> = new Set([...INTERNAL_EVENTS, 'node']);

export function serializeEvent(id: number, event: RunEvent): StoredEvent {
  return { id, name: event.event, json: JSON.stringify(event) };
}

export interface RunEventTransport {
  write(events: StoredEvent[]): Promise<void> | void;
  /** Told when a write is scheduled for this turn's check phase (a transport may prepare its socket). */
  writeScheduled?(): void;
  /** Told once the run is known (claimed): a transport may keep streaming runs' events only. */
  describeRun?(run: { streaming: boolean }): void;
}

/**
 * The sink a run's executor emits into. It numbers events and hands them to a transport, either at
 * once (in-process) or coalesced (Redis). Coalesced: consecutive tokens are joined into one (the same
 * text), a run's events wait while its previous write is in flight and then go out together, and all
 * writers of the process drain together in the check phase of the turn they had something to write
 * (one socket write for every run's batch).
 *
 * With `tokenBatchMs` > 0, a run's tokens after its first are held up to that long (from the answer to
 * the run's previous write, when one is in flight), on one timer for the whole process: every run's held tokens then leave in one socket write, which Redis reads once
 * instead of once per token (about 25% less Redis CPU per streamed token at 20 streams; the worker's
 * and the relaying server's CPU did not change measurably). Any other event (and
 * flush) sends what is held at once, and the first token is never held (time to first token is not
 * delayed). With 0 a token is held at most one Redis round trip.
 */
export class RunEventWriter implements RunEventSink {
  /** Writers with events to write: one setImmediate drains them all. */
  private static readonly due = new Set<RunEventWriter>();
  private static draining = false;
  /** Writers holding tokens for the batch timer, and that timer. */
  private static readonly held = new Set<RunEventWriter>();
  private static holdTimer: NodeJS.Timeout | undefined;

  /** Whether a token of this run has been written (later ones may be held). */
  private tokenSent = false;

  private pending: RunEvent[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly transport: RunEventTransport,
    private nextId: number,
    private readonly coalesce: boolean,
    /** Longest a token (not a run's first) waits to share a write with others; 0 for no wait. */
    private readonly tokenBatchMs = 0,
  ) {}

  /** The id the last numbered event got (a taken-over run continues its predecessor's numbering). */
  get lastId(): number {
    return this.nextId - 1;
  }

  emit(event: RunEvent): void {
    if (!this.coalesce) {
      this.track(this.transport.write([serializeEvent(this.nextId++, event)]));
      return;
    }
    const last = this.pending[this.pending.length - 1];
    if (event.event === 'token' && last?.event === 'token') {
      this.pending[this.pending.length - 1] = { event: 'token', data: last.data + event.data };
    } else {
      this.pending.push(event);
    }
    if (!this.writing) this.scheduleFor(event.event === 'token');
  }

  /** Schedules a write: now, or on the batch timer when only tokens wait and batching applies. */
  private scheduleFor(onlyTokens: boolean): void {
    if (onlyTokens && this.tokenSent && this.tokenBatchMs > 0) this.hold();
    else this.schedule();
  }

  private hold(): void {
    const all = RunEventWriter;
    if (this.scheduled || all.held.has(this)) return;
    all.held.add(this);
    all.holdTimer ??= setTimeout(all.releaseHeld, this.tokenBatchMs);
  }

  /** No longer held; the timer goes when no writer is (the next hold starts a full wait). */
  private unhold(): void {
    const all = RunEventWriter;
    if (!all.held.delete(this) || all.held.size > 0 || !all.holdTimer) return;
    clearTimeout(all.holdTimer);
    all.holdTimer = undefined;
  }

  /** The batch timer: every held writer drains in this turn, so their writes share one socket write. */
  private static releaseHeld(this: void): void {
    const all = RunEventWriter;
    all.holdTimer = undefined;
    const writers = [...all.held];
    all.held.clear();
    for (const writer of writers) writer.drain();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const all = RunEventWriter;
    this.unhold();
    all.due.add(this);
    if (all.draining) return;
    all.draining = true;
    setImmediate(all.drainDue);
    // Queued after the drain: the transport's writes leave in this check phase, not the next.
    this.transport.writeScheduled?.();
  }

  describeRun(run: { streaming: boolean }): void {
    this.transport.describeRun?.(run);
  }

  /**
   * Sends what is pending now (the write is issued before this returns when none is in flight) and
   * resolves once every event emitted so far has been written; rejects if a write failed.
   */
  async flush(): Promise<void> {
    this.drain();
    while (this.writing) {
      await this.writing;
      this.drain();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private static drainDue(this: void): void {
    RunEventWriter.draining = false;
    const writers = [...RunEventWriter.due];
    RunEventWriter.due.clear();
    for (const writer of writers) writer.drain();
  }

  private drain(): void {
    this.scheduled = false;
    RunEventWriter.due.delete(this);
    this.unhold();
    if (this.writing || this.pending.length === 0) return;
    // After a failed write nothing more is written: a reader never sees a hole in the ids.
    if (this.failure !== undefined) {
      this.pending = [];
      return;
    }
    if (!this.tokenSent) this.tokenSent = this.pending.some((event) => event.event === 'token');
    const batch = this.pending.map((event) => serializeEvent(this.nextId++, event));
    this.pending = [];
    const written = (async () => this.transport.write(batch))().then(
      () => {
        this.writing = undefined;
        if (this.pending.length > 0) this.scheduleFor(this.pending.every((event) => event.event === 'token'));
      },
      (error: unknown) => {
        this.failure ??= error;
        this.writing = undefined;
        this.pending = [];
      },
    );
    this.writing = written;
  }

  private track(result: Promise<void> | void): void {
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        this.failure ??= error;
      });
    }
  }
}
