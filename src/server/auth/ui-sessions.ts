import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Signed, expiring, revocable sessions. The signature (key derived from the server's secret, the same on
 * every replica) rejects forged or altered cookies without a lookup; the `ui_session` row makes a sign-out
 * effective everywhere at once.
 */
export class UiSessions {
  constructor(
    private readonly repo: UiAuthRepository,
    private readonly ttlSeconds: number,
  ) {}

  /** Starts a session and sets its cookie (Secure when the request came over https). */
  async start(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.repo.deleteExpiredSessions();
    const id = randomBytes(24).toString('base64url');
    const expires = new Date(Date.now() + this.ttlSeconds * 1000);
    await this.repo.createSession(id, expires);
    reply.setCookie(SESSION_COOKIE, `${id}.${Math.floor(expires.getTime() / 1000)}`, {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      expires,
      secure: request.protocol === 'https',
    });
  }

  /** The session id of a valid, unexpired, unrevoked cookie; undefined otherwise. */
  async verify(request: FastifyRequest): Promise<string | undefined> {
    const raw = request.cookies?.[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    const dot = unsigned.value.lastIndexOf('.');
    const id = unsigned.value.slice(0, dot);
    const expiry = Number(unsigned.value.slice(dot + 1));
    if (dot <= 0 || !Number.isFinite(expiry) || expiry * 1000 <= Date.now()) return undefined;
    return (await this.repo.sessionActive(id)) ? id : undefined;
  }

  /** Revokes the request's session (if any) and clears the cookie. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = await this.verify(request);
    if (id) await this.repo.deleteSession(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
  }
}
