/**
 * Reads a prediction's Server-Sent Events (api-contract.md §5: `id:<n>`, `message:`, `data:{"event",…}`)
 * and reattaches after a dropped connection: `GET /api/v1/runs/<runId>/events` with `Last-Event-ID` set to
 * the last id seen, so no event is lost or repeated. Transport-agnostic: `open` makes the requests.
 */

export interface RunEvent {
  event: string;
  data: unknown;
}

/** Makes one request; `lastEventId` set means "reattach to the run after this event". */
export type OpenStream = (request: { runId?: string; lastEventId?: string; signal: AbortSignal }) => Promise<Response>;

export interface StreamResult {
  runId?: string;
  /** The stream ended with the run's `end` event (false: the caller stopped it). */
  ended: boolean;
  reattached: number;
}

/** Splits SSE text into events; returns the unparsed rest. */
export function parseSse(buffer: string, emit: (id: string | undefined, data: string) => void): string {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) emit(id, data.join('\n'));
  }
  return rest;
}

async function readEvents(response: Response, onEvent: (event: RunEvent) => void, onId: (id: string) => void): Promise<boolean> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return ended;
    buffer = parseSse(buffer + decoder.decode(value, { stream: true }), (id, data) => {
      if (id) onId(id);
      let parsed: RunEvent;
      try {
        parsed = JSON.parse(data) as RunEvent;
      } catch {
        return;
      }
      if (parsed.event === 'end') ended = true;
      onEvent(parsed);
    });
    if (ended) {
      await reader.cancel().catch(() => undefined);
      return true;
    }
  }
}

/**
 * Runs one streamed prediction to its `end` event. A JSON answer (a flow that does not stream) becomes
 * `start`, `token`, `end`. Connection drops reattach up to `maxReattach` times; the caller's abort stops.
 */
export async function streamPrediction(open: OpenStream, onEvent: (event: RunEvent) => void, signal: AbortSignal, maxReattach = 5): Promise<StreamResult> {
  const result: StreamResult = { ended: false, reattached: 0 };
  let lastEventId: string | undefined;
  let response = await open({ signal });
  result.runId = response.headers.get('X-Run-Id') ?? undefined;
  if (!(response.headers.get('Content-Type') ?? '').includes('text/event-stream')) {
    const body = (await response.json()) as { text?: string; runId?: string };
    result.runId ??= body.runId;
    onEvent({ event: 'start', data: '' });
    onEvent({ event: 'token', data: body.text ?? JSON.stringify(body) });
    onEvent({ event: 'end', data: '[DONE]' });
    return { ...result, ended: true };
  }
  for (;;) {
    try {
      const ended = await readEvents(response, onEvent, (id) => (lastEventId = id));
      if (ended) return { ...result, ended: true };
    } catch (error) {
      if (signal.aborted) return result;
      if (!result.runId || result.reattached >= maxReattach) throw error;
    }
    if (signal.aborted || !result.runId) return result;
    if (result.reattached >= maxReattach) throw new Error('The answer stream was cut and could not be resumed');
    result.reattached += 1;
    response = await open({ runId: result.runId, ...(lastEventId ? { lastEventId } : {}), signal });
  }
}
