import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../security/password-hash.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import { isSetupTokenValid } from '../auth/first-admin.js';
import { SignInGuard } from '../auth/sign-in-guard.js';
import type { UiSessions } from '../auth/ui-sessions.js';
import { parseInput } from '../schemas/parse.js';

const loginSchema = z.union([
  z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) }),
  z.object({ apiKey: z.string().min(1).max(1000) }),
]);

const setupSchema = z.object({
  setupToken: z.string().trim().min(1, 'is required'),
  username: z.string().trim().min(1, 'must not be empty').max(200),
  password: z.string().min(8, 'must have at least 8 characters').max(1000),
});

const badLogin = () => new AppError('UNAUTHORIZED', 401, 'Wrong username, password or API key');

/**
 * Web UI sign-in (public routes): `status` tells the UI what to show, `login` and `setup` start a session
 * cookie, `logout` revokes it.
 */
export async function authRoutes(app: FastifyInstance, deps: AppDeps, auth: Authenticator, sessions: UiSessions): Promise<void> {
  const accounts = deps.repos.uiAuth;
  const guard = new SignInGuard(deps.rateLimits);
  const setupRequired = async () => !auth.hasAdminCredentials && !(await accounts.getAdmin());

  app.get('/api/v1/auth/status', async (request) => {
    const caller = await auth.identify(request);
    const configured = auth.configuredSignIn;
    const account = await accounts.getAdmin();
    return {
      signedIn: caller.admin,
      setupRequired: !auth.hasAdminCredentials && !account,
      // What the sign-in form offers: the admin key only when one is set, a password when set or created.
      signIn: { password: configured.password || account !== undefined, apiKey: configured.apiKey },
      version: deps.config.version,
      mode: deps.config.mode,
      queueDashboard: deps.config.mode === 'queue' && deps.config.queue.dashboard,
    };
  });

  app.post('/api/v1/auth/login', async (request, reply) => {
    // A throttled address is refused before anything is checked (no password is hashed for it).
    await guard.ensureAllowed(request.ip);
    const body = parseInput(loginSchema, request.body);
    let ok: boolean;
    if ('apiKey' in body) {
      ok = auth.isAdminKey(body.apiKey);
    } else {
      const account = await accounts.getAdmin();
      ok =
        auth.isAdminLogin(body.username, body.password) ||
        (account !== undefined &&
          account.username === body.username &&
          (await guard.hash(() => verifyPassword(body.password, account.passwordHash))));
    }
    if (!ok) {
      await guard.recordFailure(request.ip);
      throw badLogin();
    }
    await sessions.start(request, reply);
    return { signedIn: true };
  });

  app.post('/api/v1/auth/setup', async (request, reply) => {
    await guard.ensureAllowed(request.ip);
    const body = parseInput(setupSchema, request.body);
    if (!(await setupRequired())) throw new AppError('CONFLICT', 409, 'The admin account exists already; sign in instead');
    if (!(await isSetupTokenValid(accounts, body.setupToken))) {
      await guard.recordFailure(request.ip);
      throw new AppError('FORBIDDEN', 403, 'Wrong setup token: use the one the server printed in its log');
    }
    if (!(await accounts.createAdmin(body.username, await guard.hash(() => hashPassword(body.password))))) {
      throw new AppError('CONFLICT', 409, 'The admin account exists already; sign in instead');
    }
    await accounts.clearSetupTokens();
    await sessions.start(request, reply);
    return { signedIn: true };
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    await sessions.end(request, reply);
    return { signedIn: false };
  });
}
