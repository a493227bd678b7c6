import type { FastifyInstance } from 'fastify';
import { isFlowStreamable } from '../../engine/graph/compile-flow.js';
import { hashApiKey } from '../../security/api-key-hash.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import { parseChatbotConfig, postProcessingEnabled } from '../services/chatbot-config.js';
import type { PredictionService } from '../services/prediction-service.js';
import { uploadsConfigOf } from '../uploads/uploads-config.js';

/** The whitelisted Flowise routes the embed and the SDK call anonymously (api-contract.md §4). */
export async function publicRoutes(app: FastifyInstance, deps: AppDeps, predictions: PredictionService): Promise<void> {
  // The SDK sends Content-Type: application/json on this GET; it has no body, which Fastify accepts.
  app.get<{ Params: { id: string } }>('/api/v1/chatflows-streaming/:id', async (request) => {
    const chatflow = await predictions.loadChatflow(request.params.id);
    let isStreaming = false;
    try {
      isStreaming = isFlowStreamable(predictions.planFor(chatflow), postProcessingEnabled(parseChatbotConfig(chatflow.chatbotConfig)));
    } catch {
      // An invalid flow does not stream; its prediction answers 400 before any SSE.
    }
    return { isStreaming };
  });

  app.get<{ Params: { id: string } }>('/api/v1/public-chatbotConfig/:id', async (request) => {
    const chatflow = await predictions.loadChatflow(request.params.id);
    const config = parseChatbotConfig(chatflow.chatbotConfig);
    const { allowedOrigins: _origins, allowedOriginsError: _error, flowData: _flowData, ...visible } = config;
    return {
      ...visible,
      uploads: uploadsConfigOf(() => predictions.planFor(chatflow), deps.config.uploads.maxFileBytes),
      isTTSEnabled: false,
    };
  });

  // Flowise aborts by chatflow and chat; every waiting or active run of that chat is aborted.
  app.put<{ Params: { chatflowid: string; chatid: string } }>('/api/v1/chatmessage/abort/:chatflowid/:chatid', async (request) => {
    const runs = await deps.repos.runs.activeFor(request.params.chatflowid, request.params.chatid);
    await Promise.all(runs.map((run) => deps.runner.abort(run.id)));
    return { status: 200, message: 'Chat message aborted' };
  });

  // Public in Flowise because the key is in the path: the key's chatflows and the unkeyed ones.
  app.get<{ Params: { apikey: string } }>('/api/v1/chatflows/apikey/:apikey', async (request) => {
    const key = await deps.repos.apiKeys.findByHash(hashApiKey(request.params.apikey));
    if (!key) throw new AppError('UNAUTHORIZED', 401, 'Unauthorized');
    const flows = await deps.repos.chatflows.list();
    return flows.filter((flow) => !flow.apikeyid || flow.apikeyid === key.id);
  });
}
