/** One parsed SSE event as Flowise clients see it, plus our `id:`. */
export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
  /** The whole `data:` envelope (extra fields, e.g. an error's `code`). */
  envelope: Record<string, unknown>;
}

/**
 * Parses an SSE body the way flowise-sdk does (every `data:` line is one JSON envelope) while also
 * checking our framing: each event is `id:` (optional), `message:`, `data:`, then a blank line.
 */
export function parseSse(text: string): { events: SseEvent[]; heartbeats: number } {
  const events: SseEvent[] = [];
  let heartbeats = 0;
  const blocks = text.split('\n\n');
  if (blocks.at(-1) !== '') throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-80))}`);
  for (const block of blocks.slice(0, -1)) {
    if (block === ':heartbeat') {
      heartbeats += 1;
      continue;
    }
    const lines = block.split('\n');
    let id: string | undefined;
    let data: string | undefined;
    for (const line of lines) {
      if (line.startsWith('id:')) id = line.slice(3);
      else if (line === 'message:') continue;
      else if (line.startsWith('data:')) {
        if (data !== undefined) throw new Error(`more than one data line in ${JSON.stringify(block)}`);
        data = line.slice(5);
      } else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
    }
    if (data === undefined) throw new Error(`event without data: ${JSON.stringify(block)}`);
    const envelope = JSON.parse(data) as { event: string; data: unknown };
    events.push({ ...(id !== undefined ? { id } : {}), event: envelope.event, data: envelope.data, envelope });
  }
  return { events, heartbeats };
}

/** Text of the answer: tokens after the last `restart` (api-contract.md §8.6). */
export function streamedText(events: SseEvent[]): string {
  const lastRestart = events.map((e) => e.event).lastIndexOf('restart');
  return events
    .slice(lastRestart + 1)
    .filter((e) => e.event === 'token')
    .map((e) => e.data as string)
    .join('');
}

/** True once the answer streamed so far has at least `count` words (queue mode may join tokens into fewer events). */
export function hasWords(events: SseEvent[], count: number): boolean {
  return streamedText(events).split(' ').filter(Boolean).length >= count;
}
