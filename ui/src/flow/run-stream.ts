/**
 * Reads a prediction's Server-Sent Events (api-contract.md §5: `id:<n>`, `message:`, `data:{"event",…}`)
 * and reattaches after a dropped connection: `GET /api/v1/runs/<runId>/events` with `Last-Event-ID` set to
 * the last id seen, so no event is lost or repeated. Transport-agnostic: `open` makes the requests.
 */

export interface RunEvent {
  event: string;
  data: unknown;
  /** `error` events about one node name it (and carry the error code). */
  nodeId?: string;
  code?: string;
}

/** Makes one request; `lastEventId` set means "reattach to the run after this event". */
export type OpenStream = (request: { runId?: string; lastEventId?: string; signal: AbortSignal }) => Promise<Response>;

export interface StreamResult {
  runId?: string;
  /** The stream ended with the run's `end` event (false: the caller stopped it). */
  ended: boolean;
  reattached: number;
}

/**
 * Waits before each reattach attempt that follows a failed one, in ms: 0.5, 1, 2, 4 s, then 8 s steps,
 * about 60 s in all (a restarting server or worker has that long to come back).
 */
export const REATTACH_BACKOFF_MS: readonly number[] = [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000];

export interface StreamOptions {
  backoff?: readonly number[];
  /** Resolves after `ms` (or at once when `signal` aborts); the default uses a timer. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told `true` while the stream is cut and being reattached, `false` once events flow again. */
  onReconnecting?: (reconnecting: boolean) => void;
}

/** A failed request that a later attempt may get through: no answer at all, or a 5xx (server restarting). */
function isTransient(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status !== 'number' || status === 0 || status >= 500;
}

const timerWait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const id = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(id), resolve()), { once: true });
  });

/**
 * What the chat shows for a JSON (non-streamed) answer: its `text`; an output parser's `json` as a
 * fenced, indented JSON block; anything else as the body's JSON.
 */
export function answerText(body: { text?: unknown; json?: unknown }): string {
  if (typeof body.text === 'string') return body.text;
  if (body.json !== undefined) return '```json\n' + JSON.stringify(body.json, null, 2) + '\n```';
  return JSON.stringify(body);
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
 * `start`, `token` (see `answerText`), `end`. When the connection drops, it reattaches to the run after
 * the last event seen; a reattach that fails for want of a server (no answer, 5xx) is retried after the
 * `backoff` delays, and the caller's abort stops everything. A 4xx (the run is unknown) ends it.
 */
export async function streamPrediction(open: OpenStream, onEvent: (event: RunEvent) => void, signal: AbortSignal, options: StreamOptions = {}): Promise<StreamResult> {
  const backoff = options.backoff ?? REATTACH_BACKOFF_MS;
  const wait = options.wait ?? timerWait;
  const result: StreamResult = { ended: false, reattached: 0 };
  let lastEventId: string | undefined;
  let response = await open({ signal });
  result.runId = response.headers.get('X-Run-Id') ?? undefined;
  if (!(response.headers.get('Content-Type') ?? '').includes('text/event-stream')) {
    const body = (await response.json()) as { text?: unknown; json?: unknown; runId?: string };
    result.runId ??= body.runId;
    onEvent({ event: 'start', data: '' });
    onEvent({ event: 'token', data: answerText(body) });
    onEvent({ event: 'end', data: '[DONE]' });
    return { ...result, ended: true };
  }
  /** Failed attempts since events last arrived: each waits the next backoff delay; past the last, give up. */
  let failures = 0;
  const giveUpOrWait = async (error: unknown) => {
    if (signal.aborted) throw error;
    if (!isTransient(error)) throw error;
    if (failures >= backoff.length) throw new Error(`The server could not be reached again to resume the answer (${error instanceof Error ? error.message : String(error)})`);
    await wait(backoff[failures]!, signal);
    failures += 1;
  };
  for (;;) {
    let cutBy: unknown;
    let delivered = false;
    try {
      const ended = await readEvents(
        response,
        (event) => {
          if (!delivered) (delivered = true), (failures = 0), options.onReconnecting?.(false);
          onEvent(event);
        },
        (id) => (lastEventId = id),
      );
      if (ended) return { ...result, ended: true };
      cutBy = new Error('The answer stream ended before the run did');
    } catch (error) {
      cutBy = error;
    }
    if (signal.aborted) return result;
    if (!result.runId) throw cutBy;
    options.onReconnecting?.(true);
    if (!delivered) await giveUpOrWait(cutBy);
    for (;;) {
      try {
        result.reattached += 1;
        response = await open({ runId: result.runId, ...(lastEventId ? { lastEventId } : {}), signal });
        break;
      } catch (error) {
        await giveUpOrWait(error);
      }
    }
  }
}
