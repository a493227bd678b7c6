import { describe, expect, it } from 'vitest';
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
