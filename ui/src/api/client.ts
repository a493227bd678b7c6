/**
 * The only way the UI talks to the server: JSON over `/api/v1` with the session cookie and the
 * `x-request-from: internal` header the server requires of cookie sessions. A 401 asks the user to sign
 * in again (in place, nothing on screen is lost) and then retries the call once.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }

  /** The server's error code (`code`, or `error` in bodies written before the rename). */
  get code(): string | undefined {
    const body = this.body as { code?: unknown; error?: unknown } | null;
    const code = body?.code ?? body?.error;
    return typeof code === 'string' ? code : undefined;
  }
}

/** No answer at all (server down, network cut): `status` 0. Aborts by the caller are not this. */
export class UnreachableError extends ApiError {
  constructor(cause: unknown) {
    super(0, 'The server is not reachable', { cause: cause instanceof Error ? cause.message : String(cause) });
  }
}

type Reauthenticate = () => Promise<void>;
let reauthenticate: Reauthenticate | undefined;

/** Installed by the session store: resolves once the user signed in again, rejects if they close the dialog. */
export function onSessionExpired(handler: Reauthenticate): void {
  reauthenticate = handler;
}

export const INTERNAL_HEADERS = { 'x-request-from': 'internal' };

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Sign-in calls themselves must not trigger the sign-in dialog. */
  noReauth?: boolean;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text error
  }
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : text || response.statusText;
  return new ApiError(response.status, message, body);
}

/** A raw call (streams read the body themselves); throws ApiError for non-2xx answers. */
export async function apiFetch(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Response> {
  const send = () =>
    fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: { ...INTERNAL_HEADERS, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      // fetch rejects with a TypeError when no answer came; the caller's own abort stays an AbortError.
      throw options.signal?.aborted || (error instanceof DOMException && error.name === 'AbortError') ? error : new UnreachableError(error);
    });
  let response = await send();
  if (response.status === 401 && !options.noReauth && reauthenticate) {
    await reauthenticate();
    response = await send();
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export async function api<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  const response = await apiFetch(method, path, body, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
