import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import { parseChatbotConfig } from '../services/chatbot-config.js';
import type { PredictionService } from '../services/prediction-service.js';
import { pdfUsageOf } from '../uploads/prediction-uploads.js';
import { readMultipart } from '../uploads/read-multipart.js';
import type { UploadService } from '../uploads/upload-service.js';
import { fullFileUploadSettings, uploadsConfigOf } from '../uploads/uploads-config.js';

/** A chat id in a path or query: what clients generate (UUIDs, `<customer>+<uuid>`), never a path. */
function checkChatId(chatId: string | undefined): string {
  if (!chatId || chatId.length > 500 || /[/\\]|\.\.|[\x00-\x1f]/.test(chatId)) {
    throw new AppError('BAD_REQUEST', 400, 'chatId is missing or holds path characters');
  }
  return chatId;
}

/** `inline; filename="…"` with the RFC 6266 UTF-8 form for names beyond ASCII. */
function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Types a browser would run when shown inline; served with a sandbox so they cannot script our origin. */
const ACTIVE_TYPES = new Set(['text/html', 'application/xml', 'image/svg+xml', 'application/javascript', 'text/css']);

/**
 * The embed's file routes (public, api-contract.md §1): full-file attachments, stored files, and the
 * chatflow's upload settings.
 */
export async function uploadRoutes(app: FastifyInstance, deps: AppDeps, predictions: PredictionService, uploads: UploadService): Promise<void> {
  // Full-file mode: the widget sends files here, then puts each `content` into a `file:full` upload.
  app.post<{ Params: { chatflowId: string; chatId: string } }>('/api/v1/attachments/:chatflowId/:chatId', async (request) => {
    const chatflow = await predictions.loadChatflow(request.params.chatflowId);
    const chatId = checkChatId(request.params.chatId);
    const config = parseChatbotConfig(chatflow.chatbotConfig);
    const full = fullFileUploadSettings(config);
    if (!full.enabled) throw new AppError('BAD_REQUEST', 400, 'File upload is not enabled for this chatflow (chatbotConfig.fullFileUpload)');
    if (!request.isMultipart()) throw new AppError('BAD_REQUEST', 400, 'Send the files as multipart/form-data in the field "files"');
    const { fields, files } = await readMultipart(request, deps.config.uploads, deps.config.server.bodyLimitBytes);
    const checked = uploads.check(files, { kinds: ['text', 'pdf', 'docx'], mimes: full.mimes, purpose: 'full-file uploads' });
    const base64 = fields.base64 === 'true';
    const answers = [];
    // Parsed on the extraction threads, within UPLOAD_MAX_TEXT_SIZE per file and UPLOAD_MAX_REQUEST_TEXT_SIZE in all.
    const budget = uploads.textBudget();
    for (const file of checked) {
      const content = base64 ? file.data.toString('base64') : await uploads.readText(file, `File "${file.name}" (files)`, budget, pdfUsageOf(config));
      answers.push({ name: file.name, mimeType: file.type.mime, size: file.data.length, content });
    }
    await uploads.store({ chatflowId: chatflow.id, chatId }, checked);
    return answers;
  });

  // Serves a file of a chat, as the widget shows uploaded images and links to uploaded files.
  app.get<{ Querystring: { chatflowId?: string; chatId?: string; fileName?: string; download?: string } }>(
    '/api/v1/get-upload-file',
    async (request, reply) => {
      const { chatflowId, fileName, download } = request.query;
      if (!chatflowId || !fileName) throw new AppError('BAD_REQUEST', 400, 'chatflowId, chatId and fileName are required');
      const chatId = checkChatId(request.query.chatId);
      const file = await deps.repos.uploads.get({ chatflowId, chatId }, fileName);
      if (!file) throw new AppError('UPLOAD_NOT_FOUND', 404, `File "${fileName}" not found in chat ${chatId} of chatflow ${chatflowId}`);
      reply
        .type(file.mime)
        .header('content-disposition', contentDisposition(download === 'true' ? 'attachment' : 'inline', file.name))
        .header('x-content-type-options', 'nosniff');
      if (ACTIVE_TYPES.has(file.mime)) reply.header('content-security-policy', 'sandbox');
      return reply.send(file.data);
    },
  );

  // What the chatflow accepts (the embed reads the same object from public-chatbotConfig).
  app.get<{ Params: { id: string } }>('/api/v1/chatflows-uploads/:id', async (request) => {
    const chatflow = await predictions.loadChatflow(request.params.id);
    return uploadsConfigOf(() => predictions.planFor(chatflow), deps.config.uploads.maxFileBytes);
  });
}
