import dns from 'node:dns';
import { STATUS_CODES } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { type HostRules, bareHost, isIpLiteral, judgeAddress, parseHostRules } from './host-rules.js';

/**
 * The outbound HTTP policy: the one way every node reaches a URL a user chose (requestsGet/Post tools,
 * the sandbox's `fetch`, web loaders). Defends the server's own network against SSRF:
 *
 * - **Schemes**: only `http:` and `https:`.
 * - **Addresses**: judged by host-rules.ts (public unicast only, unless `HTTP_ALLOW_LIST` says otherwise;
 *   `HTTP_DENY_LIST` always wins) on the address actually connected to. Host names are resolved inside the
 *   socket's `lookup` hook and the connection goes to an address that passed the check, so a DNS answer
 *   that changes between check and connect (DNS rebinding) cannot slip through. Of several answers, only
 *   the allowed ones are dialled; when none is allowed the request fails.
 * - **Redirects**: followed by hand, at most `maxRedirects` hops, each hop checked like the first; a
 *   cross-origin hop drops `Authorization` and `Cookie`; 303 (and 301/302 after a POST) become a GET.
 * - **Size**: the body is read up to `maxResponseBytes`; a larger response fails with a `TOO_LARGE` error
 *   (never a silently cut body). A declared Content-Length above the cap fails before reading.
 * - **Time**: `timeoutMs` bounds each request end to end (all hops, headers and body); the caller's
 *   AbortSignal (the run's) cancels it at once and its reason is rethrown unchanged.
 *
 * Configured in src/config from `HTTP_ALLOW_LIST`, `HTTP_DENY_LIST`, `HTTP_MAX_RESPONSE_BYTES`,
 * `HTTP_TIMEOUT` and `HTTP_MAX_REDIRECTS`, and handed to the engine as `EngineServices.outbound`.
 */

export interface OutboundPolicyConfig {
  /** Rules (IP, CIDR, host name) that may be reached although they are special-purpose addresses. */
  allowList: readonly string[];
  /** Rules that are never reached, public or not. */
  denyList: readonly string[];
  /** Largest response body read, in bytes. */
  maxResponseBytes: number;
  /** Per request, all redirect hops included, in ms. */
  timeoutMs: number;
  maxRedirects: number;
}

export type OutboundFailure = 'DENIED' | 'INVALID_REQUEST' | 'TOO_LARGE' | 'TIMEOUT' | 'TOO_MANY_REDIRECTS' | 'NETWORK';

/** Why an outbound request was refused or failed; `message` is safe to show to the model or the user. */
export class OutboundRequestError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** A lower cap than the policy's for this request (never a higher one). */
  maxResponseBytes?: number;
}

/** A fully read response (bodies are capped, so they are read whole). */
export interface OutboundResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  statusText: string;
  ok: boolean;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
}

/** What nodes depend on (EngineServices.outbound). */
export interface OutboundFetch {
  fetch(url: string, init?: OutboundRequest): Promise<OutboundResponse>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const);
type Method = typeof METHODS extends Set<infer M> ? M : never;

function checkedMethod(method: string | undefined): Method {
  const upper = (method ?? 'GET').toUpperCase();
  if (!METHODS.has(upper as Method)) {
    throw new OutboundRequestError('INVALID_REQUEST', `HTTP method ${upper.slice(0, 20)} is not supported; use ${[...METHODS].join(', ')}`);
  }
  return upper as Method;
}
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The error we raised ourselves, wherever undici wrapped it (cause chains, AggregateError). */
function ownError(error: unknown, depth = 0): OutboundRequestError | undefined {
  if (error instanceof OutboundRequestError) return error;
  if (depth > 4 || error === null || typeof error !== 'object') return undefined;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = ownError(inner, depth + 1);
    if (found) return found;
  }
  return ownError((error as { cause?: unknown }).cause, depth + 1);
}

export class OutboundPolicy implements OutboundFetch {
  private readonly rules: HostRules;
  private readonly agent: Agent;

  /** Throws an Error naming a bad rule of either list. */
  constructor(private readonly config: OutboundPolicyConfig) {
    this.rules = { allow: parseHostRules(config.allowList.join(',')), deny: parseHostRules(config.denyList.join(',')) };
    this.agent = new Agent({ connect: { lookup: this.lookup } });
  }

  /** Resolves like dns.lookup, then keeps only the addresses the rules allow (the pinning point). */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) {
        callback(new OutboundRequestError('NETWORK', `Cannot resolve ${hostname}: ${error.code ?? error.message}`), '', 0);
        return;
      }
      const verdicts = addresses.map((entry) => ({ entry, verdict: judgeAddress(this.rules, hostname, entry.address) }));
      const allowed = verdicts.filter((v) => v.verdict.allowed).map((v) => v.entry);
      if (allowed.length === 0) {
        const first = verdicts[0]?.verdict;
        const reason = first && !first.allowed ? first.reason : `${hostname} has no address`;
        callback(new OutboundRequestError('DENIED', `Request refused: ${reason}`), '', 0);
        return;
      }
      if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };

  /** Checks what can be checked before connecting: the scheme and an address written in the URL. */
  private target(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OutboundRequestError('INVALID_REQUEST', `"${url.slice(0, 200)}" is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new OutboundRequestError('INVALID_REQUEST', `Only http and https URLs may be fetched, not ${parsed.protocol}`);
    }
    if (parsed.username || parsed.password) {
      throw new OutboundRequestError('INVALID_REQUEST', 'URLs with credentials (user:password@) are not fetched; send a header instead');
    }
    if (isIpLiteral(parsed.hostname)) {
      const verdict = judgeAddress(this.rules, parsed.hostname, bareHost(parsed.hostname));
      if (!verdict.allowed) throw new OutboundRequestError('DENIED', `Request refused: ${verdict.reason}`);
    }
    return parsed;
  }

  async fetch(url: string, init: OutboundRequest = {}): Promise<OutboundResponse> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const cap = Math.min(init.maxResponseBytes ?? Infinity, this.config.maxResponseBytes);
    try {
      return await this.follow(url, init, signal, cap);
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      if (timeout.aborted) {
        throw new OutboundRequestError('TIMEOUT', `Request to ${safeOrigin(url)} took longer than ${this.config.timeoutMs} ms (HTTP_TIMEOUT)`);
      }
      const own = ownError(error);
      if (own) throw own;
      const message = error instanceof Error ? error.message : String(error);
      throw new OutboundRequestError('NETWORK', `Request to ${safeOrigin(url)} failed: ${message}`, { cause: error });
    }
  }

  private async follow(url: string, init: OutboundRequest, signal: AbortSignal, cap: number): Promise<OutboundResponse> {
    let current = this.target(url);
    let method = checkedMethod(init.method);
    let body = init.body;
    let headers: Record<string, string> = { ...init.headers };
    for (let hop = 0; ; hop += 1) {
      const response = await request(current, { dispatcher: this.agent, method, headers, body: body ?? null, signal });
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode) || typeof location !== 'string') {
        return this.read(current, response, cap);
      }
      await response.body.dump();
      if (hop >= this.config.maxRedirects) {
        throw new OutboundRequestError(
          'TOO_MANY_REDIRECTS',
          `Request to ${safeOrigin(url)} redirected more than ${this.config.maxRedirects} times (HTTP_MAX_REDIRECTS)`,
        );
      }
      const next = this.target(new URL(location, current).toString());
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())));
      }
      if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
      }
      current = next;
    }
  }

  private async read(url: URL, response: Awaited<ReturnType<typeof request>>, cap: number): Promise<OutboundResponse> {
    const tooLarge = () =>
      new OutboundRequestError(
        'TOO_LARGE',
        `Response from ${url.origin} is larger than ${cap} bytes (HTTP_MAX_RESPONSE_BYTES); it was not read`,
      );
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      // Destroying an unread body emits an abort error; nobody waits for it.
      response.body.on('error', () => undefined).destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      // Leaving the loop destroys the body: the rest is never read.
      if (size > cap) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks, size);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const status = response.statusCode;
    return {
      url: url.toString(),
      status,
      statusText: STATUS_CODES[status] ?? '',
      ok: status >= 200 && status < 300,
      headers,
      body,
      text: () => body.toString('utf8'),
    };
  }

  /** Closes pooled connections (idempotent). */
  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close();
  }
}

/** A URL's origin for messages (never its path or query, which may hold secrets). */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
