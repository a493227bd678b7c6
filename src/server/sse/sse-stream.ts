import type { FastifyReply } from 'fastify';
import type { StoredEvent } from '../../runner/run-events.js';
import type { RunEventName } from '../../engine/events/run-event.js';
import { UNTRACED_HIDDEN_EVENTS } from '../../runner/run-events.js';

/**
 * Why `gone` fired (nobody reads it). One value for all streams: `abort()` without a reason creates a
 * DOMException, with its stack, for every stream that ends (profiled at ~0.1 ms per stream).
 */
const STREAM_ENDED = Object.freeze({ reason: 'the SSE stream ended or its client went away' });

/**
 * Writes one SSE response in the byte format Flowise clients parse (api-contract.md §5, §8.5):
 * `id:<n>\nmessage:\ndata:<envelope>\n\n`, one write per event, heartbeat comments, headers flushed
 * before the first event. All SSE writing goes through here.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  /** Fires when the client goes away (or the stream ends). */
  readonly gone = new AbortController();

  constructor(
    private readonly reply: FastifyReply,
    extraHeaders: Record<string, string>,
    heartbeatIntervalMs: number,
    /** Adds what relays know and the stored events do not (the question in `metadata`). */
    private readonly enrichMetadata?: (data: Record<string, unknown>) => void,
    private readonly openStreams?: { inc(): void; dec(): void },
    /** Stored events this stream leaves out (by default the internal and the trace events). */
    private readonly hidden: ReadonlySet<RunEventName> = UNTRACED_HIDDEN_EVENTS,
  ) {
    openStreams?.inc();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      ...extraHeaders,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.flushHeaders();
    raw.on('close', () => this.markGone());
    this.heartbeat = setInterval(() => this.write(':heartbeat\n\n'), heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return !this.closed && !this.reply.raw.destroyed;
  }

  /** Writes a stored event as-is (hidden events are skipped); resolves when the socket can take more. */
  async send(event: StoredEvent): Promise<void> {
    if (this.hidden.has(event.name)) return;
    let json = event.json;
    if (event.name === 'metadata' && this.enrichMetadata) {
      const envelope = JSON.parse(json) as { event: string; data: Record<string, unknown> };
      this.enrichMetadata(envelope.data);
      json = JSON.stringify(envelope);
    }
    if (!this.write(`id:${event.id}\nmessage:\ndata:${json}\n\n`)) await this.drained();
  }

  /** An event that is not part of a stored run (an error before any run event). */
  async sendRaw(id: number, envelope: { event: string; data: unknown }): Promise<void> {
    if (!this.write(`id:${id}\nmessage:\ndata:${JSON.stringify(envelope)}\n\n`)) await this.drained();
  }

  end(): void {
    if (this.closed) return;
    this.markGone();
    this.reply.raw.end();
  }

  private write(chunk: string): boolean {
    if (!this.isOpen) return true;
    return this.reply.raw.write(chunk);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const raw = this.reply.raw;
      const done = () => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('drain', done);
      raw.on('close', done);
    });
  }

  private markGone(): void {
    if (this.closed) return;
    this.closed = true;
    this.openStreams?.dec();
    clearInterval(this.heartbeat);
    this.gone.abort(STREAM_ENDED);
  }
}
