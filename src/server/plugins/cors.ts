import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseChatbotConfig } from '../services/chatbot-config.js';
import { OriginList, chatflowOrigins } from '../services/allowed-origins.js';

/** Where a public route names its chatflow: the first path parameter of these routes. */
const CHATFLOW_ROUTES = /^\/api\/v1\/(?:prediction|public-chatbotConfig|chatflows-streaming|feedback|chatmessage\/abort|attachments|vector\/upsert)\/([^/?#]+)/;

export interface CorsLookups {
  /** The chatflow's stored `chatbotConfig` (a JSON string), undefined when there is no such chatflow. */
  chatbotConfigOf(chatflowId: string): Promise<string | null | undefined>;
  /** The chatflow a feedback belongs to (`PUT /api/v1/feedback/:id` names the feedback, not the chatflow). */
  chatflowOfFeedback(feedbackId: string): Promise<string | undefined>;
}

/** The chatflow a public route is about, from its path (or `?chatflowId=`), if it is one of them. */
export async function chatflowIdOfRequest(request: FastifyRequest, lookups: CorsLookups): Promise<string | undefined> {
  const [path = '', query = ''] = request.url.split('?', 2);
  const match = CHATFLOW_ROUTES.exec(path);
  const id = match ? decodeURIComponent(match[1]!) : (new URLSearchParams(query).get('chatflowId') ?? undefined);
  if (!id) return undefined;
  if (path.startsWith('/api/v1/feedback/') && (await lookups.chatbotConfigOf(id)) === undefined) {
    return lookups.chatflowOfFeedback(id);
  }
  return id;
}

/**
 * CORS for every route (preflights included): an origin is allowed when CORS_ORIGINS allows it, or, on
 * the public routes of one chatflow (prediction, public-chatbotConfig, chatflows-streaming, feedback,
 * abort, attachments, vector upsert), when that chatflow's `chatbotConfig.allowedOrigins` lists it, as
 * Flowise grants a chatflow's embed sites. Allowed origins are echoed in Access-Control-Allow-Origin.
 * Whether a listed chatflow answers the prediction itself is decided there (403 with
 * `allowedOriginsError` for a site not on its list).
 */
export async function registerCors(app: FastifyInstance, corsOrigins: string, lookups: CorsLookups): Promise<void> {
  const global = OriginList.parse(corsOrigins);
  const base: FastifyCorsOptions = {
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Accept', 'Last-Event-ID', 'Idempotency-Key', 'If-Match'],
    exposedHeaders: ['X-Run-Id', 'Location', 'ETag', 'Retry-After'],
  };
  const allowed = async (request: FastifyRequest): Promise<boolean> => {
    const origin = request.headers.origin;
    if (!origin || global.allows(origin)) return true;
    const chatflowId = await chatflowIdOfRequest(request, lookups).catch(() => undefined);
    if (!chatflowId) return false;
    const config = await lookups.chatbotConfigOf(chatflowId).catch(() => undefined);
    return config !== undefined && chatflowOrigins(parseChatbotConfig(config)).allows(origin);
  };
  await app.register(cors, {
    delegator: async (request: FastifyRequest) => ({ ...base, origin: await allowed(request) }),
  });
}
