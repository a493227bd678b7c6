import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';
import { hashApiKey, secretsEqual } from '../../security/api-key-hash.js';
import { AppError } from '../../shared/app-error.js';
import type { ApiKeyRepository } from '../../storage/repositories/api-key-repository.js';
import type { ChatFlow } from '../../storage/repositories/chatflow-repository.js';
import type { UiAuthRepository } from '../../storage/repositories/ui-auth-repository.js';
import { isInternalRequest, type UiSessions } from './ui-sessions.js';

/** Who sent a request, from its Authorization header (invalid credentials count as nobody). */
export interface Caller {
  admin: boolean;
  /** Id of the valid API key presented as Bearer, if any. */
  apiKeyId?: string;
  /** Which credential made the caller admin: a web UI session, the admin key, or Basic auth. */
  via?: 'session' | 'adminKey' | 'basic';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const unauthorized = (message = 'Unauthorized Access') => new AppError('UNAUTHORIZED', 401, message);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request's Origin (or, without one, its Referer) is the origin it was sent to. */
function isSameOrigin(request: FastifyRequest): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (!claimed) return false;
  try {
    return new URL(claimed).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false;
  }
}

/** Access rules of api-contract.md §8.3. */
export class Authenticator {
  private readonly adminKey?: string;
  private readonly basic?: { username: string; password: string };
  private readonly hostIsLoopback: boolean;

  constructor(
    config: Pick<AppConfig, 'admin' | 'server'>,
    private readonly apiKeys: ApiKeyRepository,
    /** Web UI sign-in: session cookies count as admin; a first-visit account ends the loopback fallback. */
    private readonly ui?: { sessions: UiSessions; accounts: UiAuthRepository },
  ) {
    this.adminKey = config.admin.apiKey;
    if (config.admin.username && config.admin.password) {
      this.basic = { username: config.admin.username, password: config.admin.password };
    }
    this.hostIsLoopback = LOOPBACK_HOSTS.has(config.server.host);
  }

  get hasAdminCredentials(): boolean {
    return this.adminKey !== undefined || this.basic !== undefined;
  }

  /** Which admin credentials are configured (the sign-in form offers only those; an admin account adds a password). */
  get configuredSignIn(): { apiKey: boolean; password: boolean } {
    return { apiKey: this.adminKey !== undefined, password: this.basic !== undefined };
  }

  /** True when management routes fall back to loopback-only access (nothing configured, HOST loopback). */
  get loopbackFallbackPossible(): boolean {
    return !this.hasAdminCredentials && this.hostIsLoopback;
  }

  /** The configured admin credentials (key or Basic), as the web UI's sign-in form accepts them. */
  isAdminKey(key: string): boolean {
    return this.adminKey !== undefined && secretsEqual(key, this.adminKey);
  }

  isAdminLogin(username: string, password: string): boolean {
    if (!this.basic) return false;
    const userOk = secretsEqual(username, this.basic.username);
    const passOk = secretsEqual(password, this.basic.password);
    return userOk && passOk;
  }

  /**
   * Authorization header first (Bearer keys, Basic); else a web UI session cookie, which counts only with
   * `x-request-from: internal` (CSRF guard) unless `cookieAlone` (browser navigation to the dashboard,
   * where `SameSite=Strict` keeps cross-site requests from carrying the cookie at all).
   */
  async identify(request: FastifyRequest, options: { cookieAlone?: boolean } = {}): Promise<Caller> {
    const header = request.headers.authorization;
    if (!header) {
      if (this.ui && (options.cookieAlone || isInternalRequest(request)) && (await this.ui.sessions.verify(request))) {
        return { admin: true, via: 'session' };
      }
      return { admin: false };
    }
    const space = header.indexOf(' ');
    const scheme = space === -1 ? header : header.slice(0, space);
    const value = space === -1 ? '' : header.slice(space + 1).trim();
    if (scheme.toLowerCase() === 'bearer' && value !== '') {
      if (this.isAdminKey(value)) return { admin: true, via: 'adminKey' };
      const key = await this.apiKeys.findByHash(hashApiKey(value));
      return key ? { admin: false, apiKeyId: key.id } : { admin: false };
    }
    if (scheme.toLowerCase() === 'basic' && value !== '' && this.basic) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) return { admin: false };
      return this.isAdminLogin(decoded.slice(0, colon), decoded.slice(colon + 1)) ? { admin: true, via: 'basic' } : { admin: false };
    }
    return { admin: false };
  }

  /**
   * Whether the request comes from the web UI itself: a valid session cookie with `x-request-from: internal`
   * and no Authorization header (Flowise stores such predictions as chatType `INTERNAL`).
   */
  async isUiRequest(request: FastifyRequest): Promise<boolean> {
    if (!this.ui || request.headers.authorization || !isInternalRequest(request)) return false;
    return (await this.ui.sessions.verify(request)) !== undefined;
  }

  /**
   * Who a management request comes from, as the version list shows it: the web UI admin's username (the
   * admin account's, else AIMICROMIND_USERNAME, else "web UI"), the API key's name, "admin key", "basic auth", or
   * "loopback" (no credentials configured, a local caller).
   */
  async describe(request: FastifyRequest): Promise<string> {
    const caller = await this.identify(request);
    if (caller.apiKeyId) return (await this.apiKeys.get(caller.apiKeyId))?.keyName ?? 'API key';
    // Sessions do not record how they signed in: the admin account's name, else the configured Basic user's.
    if (caller.via === 'session') return (await this.ui?.accounts.getAdmin())?.username ?? this.basic?.username ?? 'web UI';
    if (caller.via === 'adminKey') return 'admin key';
    if (caller.via === 'basic') return 'basic auth';
    return 'loopback';
  }

  /**
   * Flowise's `internal-prediction` (the builder's test chat): the admin (web UI session, admin key, Basic),
   * else loopback while nothing is configured; chatflow API keys do not count, so they cannot skip a limit.
   */
  async requireBuilder(request: FastifyRequest): Promise<void> {
    const caller = await this.identify(request);
    if (caller.admin) return;
    if (!caller.apiKeyId && this.loopbackFallbackPossible && isLoopbackAddress(request.socket.remoteAddress)) {
      if ((await this.apiKeys.count()) === 0 && !(await this.ui?.accounts.getAdmin())) return;
    }
    throw unauthorized();
  }

  /** Management API: any API key, the admin key or Basic; else loopback while nothing is configured. */
  async requireManagement(request: FastifyRequest): Promise<Caller> {
    const caller = await this.identify(request);
    if (caller.admin || caller.apiKeyId) return caller;
    if (this.loopbackFallbackPossible && isLoopbackAddress(request.socket.remoteAddress)) {
      if ((await this.apiKeys.count()) === 0 && !(await this.ui?.accounts.getAdmin())) return caller;
    }
    throw unauthorized();
  }

  /**
   * The queue dashboard: admin only, with a Basic challenge so browsers can log in. A state-changing
   * request that authenticates by the session cookie alone must come from this origin (Origin, else
   * Referer): `SameSite=Strict` ignores ports, so a page on another port of this host would send the cookie.
   */
  async requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const caller = await this.identify(request, { cookieAlone: true });
    if (caller.admin) {
      if (!request.headers.authorization && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
        throw new AppError('FORBIDDEN', 403, 'Refused: a request that changes something must come from this server\'s own pages (Origin or Referer of this origin)');
      }
      return;
    }
    reply.header('WWW-Authenticate', 'Basic realm="aimicromind", charset="UTF-8"');
    throw unauthorized();
  }

  /** Prediction on a keyed chatflow: its own key or the admin key. A deleted key keeps the flow locked. */
  async requireChatflowKey(chatflow: ChatFlow, request: FastifyRequest): Promise<void> {
    if (!chatflow.apikeyid) return;
    const caller = await this.identify(request);
    if (caller.admin || caller.apiKeyId === chatflow.apikeyid) return;
    throw unauthorized('Unauthorized');
  }

  /** Runs API: public chatflow, whoever has the run id; keyed (or deleted) chatflow: any API key or admin. */
  async requireRunAccess(chatflow: ChatFlow | undefined, request: FastifyRequest): Promise<void> {
    if (chatflow && !chatflow.apikeyid) return;
    const caller = await this.identify(request);
    if (caller.admin || caller.apiKeyId) return;
    throw unauthorized('Unauthorized');
  }

  /**
   * Vector upserts (api-contract P2): a keyed chatflow takes its own key or the admin key; an unkeyed one
   * any management caller (Flowise 3 no longer lets anonymous callers write into an index).
   */
  async requireUpsertAccess(chatflow: ChatFlow, request: FastifyRequest): Promise<void> {
    if (chatflow.apikeyid) return this.requireChatflowKey(chatflow, request);
    await this.requireManagement(request);
  }
}
