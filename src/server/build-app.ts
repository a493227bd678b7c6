import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { AppDeps } from './app-deps.js';
import { Authenticator } from './auth/authenticator.js';
import { announceSetupToken } from './auth/first-admin.js';
import { UiSessions } from './auth/ui-sessions.js';
import { registerCors } from './plugins/cors.js';
import { registerErrorHandling, sendError, sendFrameworkError, toHttpError } from './plugins/error-handler.js';
import { MAX_URL_PARAM_LENGTH, clientErrorHandler } from './plugins/fastify-errors.js';
import { registerInputGuards } from './plugins/input-guards.js';
import { registerUnreadBodyDrain, unreadBodyLimits } from './plugins/unread-body.js';
import { defaultUiDirectory, registerWebUi } from './plugins/web-ui.js';
import { apiKeyRoutes } from './routes/apikey.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { chatflowVersionRoutes } from './routes/chatflow-versions.routes.js';
import { chatflowRoutes } from './routes/chatflows.routes.js';
import { chatMessageRoutes } from './routes/chatmessage.routes.js';
import { credentialRoutes } from './routes/credentials.routes.js';
import { documentStoreRoutes } from './routes/document-store.routes.js';
import { documentStoreProcessingRoutes } from './routes/document-store-processing.routes.js';
import { createDocstoreService } from './document-store/compose-docstores.js';
import { feedbackManagementRoutes, publicFeedbackRoutes } from './routes/feedback.routes.js';
import { marketplaceRoutes } from './routes/marketplaces.routes.js';
import { nodeCatalogueRoutes, nodeIconRoutes } from './routes/nodes.routes.js';
import { nodeLoadMethodRoutes } from './routes/node-load-method.routes.js';
import { predictionRoutes } from './routes/prediction.routes.js';
import { publicRoutes } from './routes/public.routes.js';
import { runRoutes } from './routes/runs.routes.js';
import { queueRoutes } from './routes/queue.routes.js';
import { runListRoutes } from './routes/runs-list.routes.js';
import { uploadRoutes } from './routes/uploads.routes.js';
import { upsertHistoryRoutes, vectorRoutes } from './routes/vector.routes.js';
import { healthRoutes, infoRoutes, metricsRoutes } from './routes/system.routes.js';
import { toolRoutes } from './routes/tools.routes.js';
import { variableRoutes } from './routes/variables.routes.js';
import { ChatflowCache } from './services/chatflow-cache.js';
import { CredentialPreflight } from './services/credential-preflight.js';
import { PredictionService } from './services/prediction-service.js';
import { RateLimiter } from './services/rate-limit.js';
import { PredictionUploads } from './uploads/prediction-uploads.js';
import { UploadService } from './uploads/upload-service.js';

/** Trusts the `hops` nearest proxies (what a number does in Express's and Fastify's `trust proxy`). */
function trustedHops(hops: number): false | ((address: string, hop: number) => boolean) {
  return hops > 0 ? (_address, hop) => hop < hops : false;
}

/** Builds the HTTP app; never listens (the CLI or a test does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ module: 'http' }) as FastifyBaseLogger,
    // Per-request logs cost more than the request at high rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.server.bodyLimitBytes,
    // request.ip (rate limits) from X-Forwarded-For only through this many trusted proxies (0: the peer).
    trustProxy: trustedHops(deps.config.server.numberOfProxies),
    // Long SSE responses must not be cut by Node's default request timeout.
    requestTimeout: 0,
    // On close only idle keep-alive sockets are cut; streams in flight finish (the CLI ends the rest after draining).
    forceCloseConnections: 'idle',
    // Refusals Fastify would answer in its own shape: the router's, and Node's HTTP parser's.
    routerOptions: { maxParamLength: MAX_URL_PARAM_LENGTH },
    frameworkErrors: sendFrameworkError,
    clientErrorHandler,
  });

  // JSON bodies (an empty one is no body: the embed's abort PUT, the SDK's GETs), URL and query texts.
  registerInputGuards(app);

  registerErrorHandling(app, await registerWebUi(app, deps.uiDirectory ?? defaultUiDirectory()));
  registerUnreadBodyDrain(app, unreadBodyLimits(deps.config.server.bodyLimitBytes));
  const chatflows = new ChatflowCache(deps.repos.chatflows);
  // The web UI is same-origin: `x-request-from` stays out of the CORS headers, so no other site can send it.
  await registerCors(app, deps.config.server.corsOrigins, {
    chatbotConfigOf: async (id) => (await chatflows.get(id))?.chatbotConfig,
    chatflowOfFeedback: async (id) => (await deps.repos.feedback.get(id))?.chatflowid,
  });
  await app.register(cookie, { secret: deps.cipher.deriveSubkey('aimicromind/ui-session-cookie/v1') });
  await app.register(multipart, { limits: { fileSize: deps.config.server.bodyLimitBytes } });

  const sessions = new UiSessions(deps.repos.uiAuth, { ttl: deps.config.admin.sessionTtlSeconds, maxAge: deps.config.admin.sessionMaxAgeSeconds });
  sessions.track(app);
  const auth = new Authenticator(deps.config, deps.repos.apiKeys, { sessions, accounts: deps.repos.uiAuth });
  const uploads = new UploadService(deps.repos.uploads, deps.config.uploads, deps.services?.extractor);
  const predictions = new PredictionService(
    chatflows,
    deps.plans,
    auth,
    new RateLimiter(deps.rateLimits),
    new PredictionUploads(uploads),
    new CredentialPreflight(deps.repos.credentials),
  );

  await app.register(async (open) => {
    await healthRoutes(open, deps);
    await infoRoutes(open, deps);
    await publicRoutes(open, deps, predictions);
    await predictionRoutes(open, deps, predictions, auth);
    await publicFeedbackRoutes(open, deps);
    await uploadRoutes(open, deps, predictions, uploads);
    await runRoutes(open, deps, predictions, auth, chatflows);
    // Upserts check the chatflow's key (or management access) themselves.
    await vectorRoutes(open, deps, auth, chatflows, uploads);
    await authRoutes(open, deps, auth, sessions);
    await nodeIconRoutes(open);
  });

  await app.register(async (managed) => {
    managed.addHook('onRequest', async (request) => {
      await auth.requireManagement(request);
    });
    await chatflowRoutes(managed, deps, chatflows, auth);
    await credentialRoutes(managed, deps);
    await apiKeyRoutes(managed, deps);
    await chatMessageRoutes(managed, deps);
    await feedbackManagementRoutes(managed, deps);
    await metricsRoutes(managed, deps);
    await nodeCatalogueRoutes(managed);
    await nodeLoadMethodRoutes(managed, deps);
    // sandbox branch
    await toolRoutes(managed, deps);
    await variableRoutes(managed, deps);
    await documentStoreRoutes(managed, deps);
    const docstores = createDocstoreService(deps, uploads);
    await documentStoreProcessingRoutes(managed, deps, docstores.service, docstores.registry);
    await upsertHistoryRoutes(managed, deps);
    await chatflowVersionRoutes(managed, deps, chatflows, auth);
    await queueRoutes(managed, deps, auth);
    await marketplaceRoutes(managed);
    await runListRoutes(managed, deps);
  });

  for (const plugin of deps.adminPlugins ?? []) {
    await app.register(
      async (admin) => {
        // Answered here rather than thrown: the dashboard plugin has an error handler of its own.
        const adminOnly = async (request: FastifyRequest, reply: FastifyReply) => {
          try {
            await auth.requireAdmin(request, reply);
          } catch (error) {
            const mapped = toHttpError(error);
            return sendError(reply, mapped.status, mapped.code, mapped.message);
          }
        };
        admin.addHook('onRequest', adminOnly);
        // Unknown sub-paths too: anonymous callers learn nothing about what exists under the prefix.
        admin.setNotFoundHandler({ preHandler: adminOnly }, (request, reply) =>
          sendError(reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
        );
        await plugin.register(admin);
      },
      { prefix: plugin.prefix },
    );
  }

  if (!auth.hasAdminCredentials) await announceSetupToken(deps.repos.uiAuth, deps.logger.child({ module: 'ui-auth' }));
  return app;
}
