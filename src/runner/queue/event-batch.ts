import type { RunEventName } from '../../engine/events/run-event.js';
import type { StoredEvent } from '../run-events.js';

/**
 * One Redis stream entry (and the matching pub/sub message) holds a batch of events as lines of
 * `id \t name \t envelope`. JSON.stringify never writes a raw tab or newline, so the split is safe, and
 * relays forward the envelope without parsing it.
 */
export function encodeBatch(events: StoredEvent[]): string {
  return events.map((e) => `${e.id}\t${e.name}\t${e.json}`).join('\n');
}

export function decodeBatch(payload: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const line of payload.split('\n')) {
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    if (first === -1 || second === -1) continue;
    const id = Number(line.slice(0, first));
    if (!Number.isInteger(id)) continue;
    events.push({ id, name: line.slice(first + 1, second) as RunEventName, json: line.slice(second + 1) });
  }
  return events;
}

/** Decodes XRANGE/XREVRANGE replies: `[[entryId, [field, value, …]], …]`, field `d`. */
export function decodeEntries(entries: Array<[string, string[]]>): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const [, fields] of entries) {
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'd') events.push(...decodeBatch(fields[i + 1]!));
  }
  return events;
}
