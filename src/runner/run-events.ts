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

export function serializeEvent(id: number, event: RunEvent): StoredEvent {
  return { id, name: event.event, json: JSON.stringify(event) };
}

export interface RunEventTransport {
  write(events: StoredEvent[]): Promise<void> | void;
  /** Told once the run is known (claimed): a transport may keep streaming runs' events only. */
  describeRun?(run: { streaming: boolean }): void;
}

/**
 * The sink a run's executor emits into. It numbers events and hands them to a transport, either at
 * once (in-process) or gathered per event-loop turn with consecutive tokens joined into one (Redis:
 * fewer round trips, the same text).
 */
export class RunEventWriter implements RunEventSink {
  private pending: RunEvent[] = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly transport: RunEventTransport,
    private nextId: number,
    private readonly coalesce: boolean,
  ) {}

  /** The id the next event will get (a taken-over run continues its predecessor's numbering). */
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
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  describeRun(run: { streaming: boolean }): void {
    this.transport.describeRun?.(run);
  }

  /** Resolves once every event emitted so far has been written; rejects if a write failed. */
  async flush(): Promise<void> {
    this.drain();
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  private drain(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending.map((event) => serializeEvent(this.nextId++, event));
    this.pending = [];
    // Writes stay in order: each waits for the previous one.
    this.inFlight = this.inFlight.then(() => this.transport.write(batch));
    this.track(this.inFlight);
  }

  private track(result: Promise<void> | void): void {
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        this.failure ??= error;
      });
    }
  }
}
