import { parseSse, type SseEvent } from './sse.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface StreamResponse {
  status: number;
  headers: Headers;
  raw: string;
  events: SseEvent[];
  heartbeats: number;
}

/** A small HTTP client for the API under test (real sockets, no inject). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.headers, ...headers });
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json')) parsed = text === '' ? undefined : JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { headers });
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { body, headers });
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, { body, headers });
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, { headers });
  }

  /** Reads a whole SSE response (or a JSON/error one) and parses it. */
  async stream(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<StreamResponse> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...this.headers, accept: 'text/event-stream', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await response.text();
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return { status: response.status, headers: response.headers, raw, events: [], heartbeats: 0 };
    }
    return { status: response.status, headers: response.headers, raw, ...parseSse(raw) };
  }

  /** Starts an SSE request and returns a reader that yields events as they arrive. */
  async openStream(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...this.headers, accept: 'text/event-stream', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const events: SseEvent[] = [];
    let heartbeats = 0;
    let raw = '';
    let done = false;
    /** Reads until `predicate` holds for the events so far (or the stream ends). */
    const until = async (predicate: (events: SseEvent[]) => boolean): Promise<SseEvent[]> => {
      while (!predicate(events) && !done) {
        const chunk = await reader.read();
        if (chunk.done) {
          done = true;
          break;
        }
        const text = decoder.decode(chunk.value, { stream: true });
        buffer += text;
        raw += text;
        const cut = buffer.lastIndexOf('\n\n');
        if (cut === -1) continue;
        const parsed = parseSse(buffer.slice(0, cut + 2));
        events.push(...parsed.events);
        heartbeats += parsed.heartbeats;
        buffer = buffer.slice(cut + 2);
      }
      return events;
    };
    return {
      status: response.status,
      headers: response.headers,
      events,
      until,
      untilEnd: () => until((list) => list.some((e) => e.event === 'end')),
      get ended() {
        return done;
      },
      /** Heartbeat comments received so far. */
      get heartbeats() {
        return heartbeats;
      },
      /** The bytes received so far. */
      get raw() {
        return raw;
      },
      /** Drops the connection like a closed browser tab. */
      disconnect: () => controller.abort(),
    };
  }
}
