import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunEventWriter, type RunEventTransport, type StoredEvent } from '../../src/runner/run-events.js';

/** A transport whose writes the test completes (or fails) by hand, recording what each write carried. */
class HeldTransport implements RunEventTransport {
  readonly writes: StoredEvent[][] = [];
  private pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  write(events: StoredEvent[]): Promise<void> {
    this.writes.push(events);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  complete(): void {
    this.pending.shift()!.resolve();
  }

  fail(): void {
    this.pending.shift()!.reject(new Error('Redis is gone'));
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Waits for the transport's next write (a completed write's followers go out in a later check phase). */
async function nextWrite(transport: HeldTransport): Promise<StoredEvent[]> {
  const count = transport.writes.length;
  while (transport.writes.length === count) await turn();
  return transport.writes.at(-1)!;
}

const parse = (e: StoredEvent) => ({ id: e.id, ...(JSON.parse(e.json) as { event: string; data: unknown }) });

describe('RunEventWriter (queue mode: events to Redis)', () => {
  it('sends a run\'s first event in the turn it was emitted, and holds later ones only while a write is in flight', async () => {
    const transport = new HeldTransport();
    const writer = new RunEventWriter(transport, 1, true);
    writer.emit({ event: 'start', data: '' });
    writer.emit({ event: 'token', data: 'He' });
    await turn();
    expect(transport.writes.map((w) => w.map(parse))).toEqual([[{ id: 1, event: 'start', data: '' }, { id: 2, event: 'token', data: 'He' }]]);
    // While that write is in flight, tokens gather (joined into one) and wait for it.
    writer.emit({ event: 'token', data: 'll' });
    await turn();
    writer.emit({ event: 'token', data: 'o' });
    await turn();
    expect(transport.writes).toHaveLength(1);
    transport.complete();
    expect((await nextWrite(transport)).map(parse)).toEqual([{ id: 3, event: 'token', data: 'llo' }]);
    transport.complete();
    await turn();
    // Nothing in flight: the next token goes in the turn it was emitted.
    writer.emit({ event: 'token', data: '!' });
    await turn();
    expect(transport.writes.at(-1)!.map(parse)).toEqual([{ id: 4, event: 'token', data: '!' }]);
    transport.complete();
    await turn();
    writer.emit({ event: 'end', data: '[DONE]' });
    const flushed = writer.flush();
    // flush issues the write before it returns (the worker's completion of the job rides in the same write).
    expect(transport.writes.at(-1)!.map(parse)).toEqual([{ id: 5, event: 'end', data: '[DONE]' }]);
    transport.complete();
    await flushed;
    expect(writer.lastId).toBe(5);
  });

  it('drains every run\'s events in the same turn', async () => {
    const transports = [new HeldTransport(), new HeldTransport(), new HeldTransport()];
    const writers = transports.map((t) => new RunEventWriter(t, 1, true));
    writers.forEach((w, i) => w.emit({ event: 'token', data: `run ${i}` }));
    expect(transports.map((t) => t.writes.length)).toEqual([0, 0, 0]);
    await turn();
    expect(transports.map((t) => t.writes.length)).toEqual([1, 1, 1]);
    for (const t of transports) t.complete();
  });

  it('writes nothing after a failed write, so readers never see a hole, and flush reports the failure', async () => {
    const transport = new HeldTransport();
    const writer = new RunEventWriter(transport, 1, true);
    writer.emit({ event: 'token', data: 'a' });
    await turn();
    writer.emit({ event: 'token', data: 'b' });
    transport.fail();
    await turn();
    writer.emit({ event: 'token', data: 'c' });
    await turn();
    expect(transport.writes).toHaveLength(1);
    await expect(writer.flush()).rejects.toThrow('Redis is gone');
  });
});

describe('RunEventWriter with token batching (WORKER_TOKEN_BATCH_MS)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Fakes setTimeout only: the batch timer is advanced by hand, setImmediate turns stay real. */
  const fakeTimer = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

  it('sends a run\'s first token at once and holds later ones until the batch timer, one write for every run', async () => {
    fakeTimer();
    const transports = [new HeldTransport(), new HeldTransport()];
    const writers = transports.map((t) => new RunEventWriter(t, 1, true, 5));
    writers.forEach((w, i) => w.emit({ event: 'token', data: `first ${i}` }));
    await turn();
    expect(transports.map((t) => t.writes.length)).toEqual([1, 1]);
    for (const t of transports) t.complete();
    await turn();
    writers[0]!.emit({ event: 'token', data: 'a' });
    await turn();
    writers[1]!.emit({ event: 'token', data: 'b' });
    writers[0]!.emit({ event: 'token', data: 'c' });
    await turn();
    await turn();
    // Held: nothing left after the first tokens, however many turns pass.
    expect(transports.map((t) => t.writes.length)).toEqual([1, 1]);
    vi.advanceTimersByTime(4);
    expect(transports.map((t) => t.writes.length)).toEqual([1, 1]);
    vi.advanceTimersByTime(1);
    // Both runs' tokens leave in the timer's turn (one socket write on a shared connection).
    expect(transports.map((t) => t.writes.length)).toEqual([2, 2]);
    expect(transports[0]!.writes[1]!.map(parse)).toEqual([{ id: 2, event: 'token', data: 'ac' }]);
    expect(transports[1]!.writes[1]!.map(parse)).toEqual([{ id: 2, event: 'token', data: 'b' }]);
  });

  it('sends held tokens at once when another event follows, and on flush', async () => {
    fakeTimer();
    const transport = new HeldTransport();
    const writer = new RunEventWriter(transport, 1, true, 50);
    writer.emit({ event: 'token', data: 'Hi' });
    await turn();
    transport.complete();
    await turn();
    writer.emit({ event: 'token', data: ' there' });
    await turn();
    expect(transport.writes).toHaveLength(1);
    writer.emit({ event: 'sourceDocuments', data: [] });
    await turn();
    expect(transport.writes[1]!.map((e) => parse(e).event)).toEqual(['token', 'sourceDocuments']);
    transport.complete();
    await turn();
    writer.emit({ event: 'token', data: '!' });
    await turn();
    expect(transport.writes).toHaveLength(2);
    const flushed = writer.flush();
    expect(transport.writes[2]!.map(parse)).toEqual([{ id: 4, event: 'token', data: '!' }]);
    transport.complete();
    await flushed;
  });

  it('holds tokens that arrived during a write for the timer, not for another round trip only', async () => {
    fakeTimer();
    const transport = new HeldTransport();
    const writer = new RunEventWriter(transport, 1, true, 5);
    writer.emit({ event: 'token', data: 'a' });
    await turn();
    writer.emit({ event: 'token', data: 'b' });
    transport.complete();
    await turn();
    await turn();
    expect(transport.writes).toHaveLength(1);
    vi.advanceTimersByTime(5);
    expect(transport.writes[1]!.map(parse)).toEqual([{ id: 2, event: 'token', data: 'b' }]);
    transport.complete();
  });
});
