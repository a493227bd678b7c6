import { randomBytes } from 'node:crypto';
import type { SerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UiAuthRepository } from '../../storage/repositories/ui-auth-repository.js';

/** The web UI's session cookie. Its value is `<session id>.<expiry, s since epoch>`, HMAC-signed by @fastify/cookie. */
export const SESSION_COOKIE = 'aimicromind_session';

/**
 * The header the web UI sends with every API call. Cookie sessions count only together with it: a
 * cross-site form or image cannot set a custom header, and a cross-site `fetch` that sets one needs a
 * CORS preflight the browser sends first (our CSRF guard, on top of `SameSite=Strict`).
 */
export const INTERNAL_HEADER = 'x-request-from';
export const INTERNAL_VALUE = 'internal';

export const isInternalRequest = (request: FastifyRequest) => request.headers[INTERNAL_HEADER] === INTERNAL_VALUE;

/** Lifetimes, in seconds: `ttl` after the last renewal (SESSION_TTL), `maxAge` from the sign-in (SESSION_MAX_AGE). */
export interface SessionLifetimes {
  ttl: number;
  maxAge: number;
}

/**
 * Signed, expiring, revocable sessions. The signature (key derived from the server's secret, the same on
 * every replica) rejects forged or altered cookies without a lookup; the `ui_session` row makes a sign-out
 * effective everywhere at once. A session used after half its TTL is renewed (sliding expiry: a new
 * expiry in the row and a fresh cookie), never beyond `maxAge` from its sign-in.
 */
export class UiSessions {
  /** The reply of each request that carries a session cookie, so a renewal can set the fresh cookie. */
  private readonly replies = new WeakMap<FastifyRequest, FastifyReply>();

  constructor(
    private readonly repo: UiAuthRepository,
    private readonly lifetimes: SessionLifetimes,
  ) {}

  /** Remembers the reply of requests that carry a session cookie (call once, before the routes). */
  track(app: FastifyInstance): void {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.headers.cookie?.includes(SESSION_COOKIE)) this.replies.set(request, reply);
      done();
    });
  }

  /** Starts a session and sets its cookie (Secure when the request came over https). */
  async start(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.repo.deleteExpiredSessions();
    const id = randomBytes(24).toString('base64url');
    const expires = new Date(Date.now() + Math.min(this.lifetimes.ttl, this.lifetimes.maxAge) * 1000);
    await this.repo.createSession(id, expires);
    reply.setCookie(SESSION_COOKIE, this.cookieValue(id, expires), { ...this.cookieOptions(request, expires), signed: true });
  }

  /** The session id of a valid, unexpired, unrevoked cookie (renewing it when due); undefined otherwise. */
  async verify(request: FastifyRequest): Promise<string | undefined> {
    const session = await this.check(request);
    if (!session) return undefined;
    const reply = this.replies.get(request);
    if (reply) await this.renewIfDue(request, reply, session);
    return session.id;
  }

  /** Revokes the request's session (if any) and clears the cookie. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = await this.check(request);
    if (session) await this.repo.deleteSession(session.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
  }

  private async check(request: FastifyRequest): Promise<{ id: string; expiresAt: number; startedAt: number } | undefined> {
    const raw = request.cookies?.[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    const dot = unsigned.value.lastIndexOf('.');
    const id = unsigned.value.slice(0, dot);
    const expiry = Number(unsigned.value.slice(dot + 1));
    const now = Date.now();
    if (dot <= 0 || !Number.isFinite(expiry) || expiry * 1000 <= now) return undefined;
    const row = await this.repo.activeSession(id);
    if (!row) return undefined;
    const startedAt = Date.parse(row.createdDate);
    if (startedAt + this.lifetimes.maxAge * 1000 <= now) return undefined;
    return { id, expiresAt: Date.parse(row.expiresAt), startedAt };
  }

  /**
   * Past half its TTL, a session gets a new expiry (TTL from now, capped at maxAge from its start) in
   * its row and in a fresh cookie. The cookie goes into the reply's headers at once, so streamed
   * (hijacked) responses carry it too.
   */
  private async renewIfDue(request: FastifyRequest, reply: FastifyReply, session: { id: string; expiresAt: number; startedAt: number }) {
    const now = Date.now();
    if (session.expiresAt - now >= (this.lifetimes.ttl * 1000) / 2) return;
    const expires = new Date(Math.min(now + this.lifetimes.ttl * 1000, session.startedAt + this.lifetimes.maxAge * 1000));
    // Whole seconds (the cookie's precision); nothing to do once the cap is reached.
    if (Math.floor(expires.getTime() / 1000) <= Math.floor(session.expiresAt / 1000)) return;
    if (!(await this.repo.renewSession(session.id, expires))) return;
    const value = request.signCookie(this.cookieValue(session.id, expires));
    const cookie = request.server.serializeCookie(SESSION_COOKIE, value, this.cookieOptions(request, expires));
    // Fastify appends Set-Cookie values; another renewal on this reply (a second check) is replaced.
    const existing = reply.getHeader('set-cookie');
    const others = (existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)]).filter(
      (c) => !c.startsWith(`${SESSION_COOKIE}=`),
    );
    reply.removeHeader('set-cookie');
    reply.header('set-cookie', [...others, cookie]);
  }

  private cookieValue(id: string, expires: Date): string {
    return `${id}.${Math.floor(expires.getTime() / 1000)}`;
  }

  private cookieOptions(request: FastifyRequest, expires: Date): SerializeOptions {
    return { httpOnly: true, sameSite: 'strict', path: '/', expires, secure: request.protocol === 'https' };
  }
}
