import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { resolveSessionId, shouldStream } from '../../engine/graph/compile-flow.js';
import type { FlowPlan } from '../../engine/graph/flow-plan.js';
import type { StartRunRequest } from '../../runner/flow-runner.js';
import type { PlanCache } from '../../runner/plan-cache.js';
import { AppError, notFound } from '../../shared/app-error.js';
import type { ChatFlow } from '../../storage/repositories/chatflow-repository.js';
import { chatflowOrigins } from './allowed-origins.js';
import type { RateLimiter } from './rate-limit.js';
import { type ChatbotConfig, parseChatbotConfig, postProcessingEnabled } from './chatbot-config.js';
import type { ChatflowCache } from './chatflow-cache.js';
import type { CredentialPreflight } from './credential-preflight.js';
import type { Authenticator } from '../auth/authenticator.js';
import { type PredictionBody, predictionBodySchema } from '../schemas/prediction-body.js';
import { zodMessage } from '../plugins/error-handler.js';
import { parseOverrideSettings } from '../../engine/run/override-config.js';
import type { PredictionUploads } from '../uploads/prediction-uploads.js';
import type { IncomingFile } from '../uploads/upload-service.js';

export interface PreparedPrediction {
  chatflow: ChatFlow;
  plan: FlowPlan;
  question: string;
  request: StartRunRequest;
}

/** Flowise's per-chatflow origin allow-list (chatbotConfig.allowedOrigins): an empty list allows all. */
function checkOrigin(config: ChatbotConfig, origin: string | undefined): void {
  const allowed = chatflowOrigins(config);
  if (allowed.isEmpty || !origin || allowed.allows(origin)) return;
  const message =
    typeof config.allowedOriginsError === 'string' && config.allowedOriginsError !== ''
      ? config.allowedOriginsError
      : 'This site is not allowed to access this chatbot';
  throw new AppError('FORBIDDEN', 403, message);
}

export function parsePredictionBody(body: unknown): PredictionBody {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('VALIDATION_FAILED', 400, 'Request body must be a JSON object with a question');
  }
  const parsed = predictionBodySchema.safeParse(body);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 400, zodMessage(parsed.error));
  return parsed.data;
}

/**
 * Everything the server checks before a run exists (queue-mode.md: flow exists, API key, input
 * valid, graph valid), and the run request built from it.
 */
export class PredictionService {
  constructor(
    private readonly chatflows: ChatflowCache,
    private readonly plans: PlanCache,
    private readonly auth: Authenticator,
    private readonly rateLimits: RateLimiter,
    private readonly uploads: PredictionUploads,
    private readonly credentials: CredentialPreflight,
  ) {}

  async loadChatflow(chatflowId: string): Promise<ChatFlow> {
    const chatflow = await this.chatflows.get(chatflowId);
    if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', chatflowId);
    return chatflow;
  }

  planFor(chatflow: ChatFlow): FlowPlan {
    return this.plans.get(chatflow.id, chatflow.flowData);
  }

  async prepare(
    chatflowId: string,
    rawBody: unknown,
    httpRequest: FastifyRequest,
    options: { detachable: boolean; idempotencyKey?: string; files?: IncomingFile[]; internal?: boolean },
  ): Promise<PreparedPrediction> {
    const chatflow = await this.loadChatflow(chatflowId);
    const chatbotConfig = parseChatbotConfig(chatflow.chatbotConfig);
    // The builder's own test chat (internal-prediction, caller already checked as admin) is neither
    // limited nor held to the embed's allowed domains, and uses none of the public budget (as in Flowise).
    if (!options.internal) {
      // Before anything else is checked, as Flowise's limiter runs before its prediction handler.
      await this.rateLimits.check(chatflow, httpRequest);
      await this.auth.requireChatflowKey(chatflow, httpRequest);
      checkOrigin(chatbotConfig, httpRequest.headers.origin);
    }
    const body = parsePredictionBody(rawBody);
    const plan = this.planFor(chatflow);
    // Before any stream opens, so a missing credential is a 400 naming the node in both modes.
    await this.credentials.check(plan);

    const overrideSessionId =
      typeof body.overrideConfig?.sessionId === 'string' && body.overrideConfig.sessionId !== ''
        ? body.overrideConfig.sessionId
        : undefined;
    const chatId = body.chatId ?? overrideSessionId ?? randomUUID();
    const sessionId = resolveSessionId(plan, { overrideSessionId, requestChatId: body.chatId, runChatId: chatId });
    const question = body.question ?? '';
    // Uploads are checked and stored before the run exists; the run carries their names only.
    const uploaded = await this.uploads.intake({
      chatflowId: chatflow.id,
      chatId,
      plan,
      chatbotConfig,
      overrideSettings: parseOverrideSettings(chatflow.apiConfig),
      uploads: body.uploads,
      files: options.files ?? [],
      form: options.files && options.files.length > 0 ? (rawBody as Record<string, unknown>) : undefined,
      overrideConfig: body.overrideConfig,
    });
    const overrideConfig = uploaded.overrideConfig ?? body.overrideConfig;
    return {
      chatflow,
      plan,
      question,
      request: {
        chatflowId: chatflow.id,
        chatflowVersion: chatflow.version,
        chatId,
        sessionId,
        streaming: shouldStream(plan, postProcessingEnabled(chatbotConfig), body.streaming),
        detachable: options.detachable,
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        input: {
          question,
          history: body.history ?? [],
          ...(overrideConfig ? { overrideConfig } : {}),
          ...(uploaded.uploads ? { uploads: uploaded.uploads } : {}),
          ...(uploaded.fileAttachment ? { fileAttachment: uploaded.fileAttachment } : {}),
          ...(body.leadEmail ? { leadEmail: body.leadEmail } : {}),
          // The web UI's test chat (Flowise: x-request-from internal); API callers stay EXTERNAL.
          ...(options.internal || (await this.auth.isUiRequest(httpRequest)) ? { chatType: 'INTERNAL' as const } : {}),
        },
      },
    };
  }
}
