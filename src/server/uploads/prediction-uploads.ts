import { addFileStorageOverrides, loaderFieldForFile } from '../../engine/files/file-fields.js';
import type { FileUpload } from '../../engine/files/uploads.js';
import type { FlowPlan } from '../../engine/graph/flow-plan.js';
import type { OverrideSettings } from '../../engine/run/override-config.js';
import { AppError } from '../../shared/app-error.js';
import type { ChatbotConfig } from '../services/chatbot-config.js';
import { decodeUploadEntry, type UploadEntry } from './upload-entries.js';
import type { TextBudget } from '../../engine/files/document-extractor.js';
import { findInlineFiles } from './inline-files.js';
import type { CheckedFile, IncomingFile, UploadService } from './upload-service.js';
import { fullFileUploadSettings, imageUploadsAllowed } from './uploads-config.js';

export interface PredictionUploadRequest {
  chatflowId: string;
  chatId: string;
  plan: FlowPlan;
  chatbotConfig: ChatbotConfig;
  overrideSettings: OverrideSettings;
  /** The body's `uploads` (api-contract.md §2), unchecked. */
  uploads?: unknown[];
  /** Multipart `files` parts. */
  files: IncomingFile[];
  /** Multipart form fields: with files going to loaders, Flowise takes the whole form as overrideConfig. */
  form?: Record<string, unknown>;
  overrideConfig?: Record<string, unknown>;
}

/** What the run receives (RunInput): the uploads as the user message lists them, the files' text, overrides. */
export interface PredictionUploadResult {
  uploads?: FileUpload[];
  fileAttachment?: string;
  overrideConfig?: Record<string, unknown>;
}

/** Body fields that are never node params, left out when the form becomes overrideConfig. */
const BODY_FIELDS = new Set(['question', 'streaming', 'chatId', 'overrideConfig', 'history', 'uploads', 'form', 'leadEmail', 'action', 'humanInput', 'chatflowId']);

/** Flowise's form of a full file's text in the question and `{{file_attachment}}`. */
const docBlock = (name: string, text: string) => `<doc name='${name}'>${text}</doc>\n\n`;

/** Where a checked file goes: kept for the chat (images, RAG and full files) or for the chatflow's loaders. */
interface Placement {
  file: CheckedFile;
  scope: 'chat' | 'chatflow';
  record?: FileUpload;
  text?: string;
}

/**
 * A prediction's uploads, as Flowise defines them (utils/buildChatflow.ts), checked and stored in the
 * database before the run exists, so the run (here or on any worker) reads them by name:
 * - `file` (an image data URL) and `url` (an image URL) reach vision models; the chatflow must accept
 *   images (uploads-config.ts). `file:rag` (a document the embed also upserted) is stored and listed.
 * - `file:full` carries a document's extracted text: it goes into `{{file_attachment}}` and before the
 *   question as `<doc name='…'>…</doc>`.
 * - Multipart `files`: onto a loader input enabled for override (`FILE-STORAGE::[…]`, Flowise's rule);
 *   else an image for a vision model; else, with full-file uploads on, read as a `file:full` upload.
 * Anything else is refused with a 4xx naming the file; nothing is stored then.
 */
export class PredictionUploads {
  constructor(private readonly service: UploadService) {}

  async intake(request: PredictionUploadRequest): Promise<PredictionUploadResult> {
    const entries = (request.uploads ?? []).map((raw, index) => decodeUploadEntry(raw, index));
    const inline = findInlineFiles(request.overrideConfig);
    if (entries.length === 0 && request.files.length === 0 && inline.files.length === 0) return {};
    const budget = this.service.textBudget();
    // `file:full` carries text the widget extracted: it counts as extracted text (per file and per request).
    for (const entry of entries) if (entry.type === 'file:full') budget.take(entry.data?.length ?? 0, `uploads[${entry.index}] "${entry.name}"`);
    const images = imageUploadsAllowed(request.plan);
    const entryFiles = entries.flatMap((entry) => (entry.file ? [entry.file] : []));
    const checked = this.service.check([...entryFiles, ...request.files, ...inline.files]);
    const checkedEntries = checked.slice(0, entryFiles.length);
    const checkedParts = checked.slice(entryFiles.length, entryFiles.length + request.files.length);
    const checkedInline = checked.slice(entryFiles.length + request.files.length);

    const placements: Placement[] = [];
    const records: FileUpload[] = [];
    let attachment = '';
    let next = 0;
    for (const entry of entries) {
      const file = entry.file ? checkedEntries[next++] : undefined;
      records.push(this.placeEntry(entry, file, images));
      if (file) placements.push({ file, scope: 'chat' });
      if (entry.type === 'file:full') attachment += docBlock(entry.name, entry.data ?? '');
    }
    for (const file of checkedParts) {
      const placement = await this.placePart(file, request, images, budget);
      placements.push(placement);
      if (placement.record) records.push(placement.record);
    }

    const loaderFiles = placements.filter((p) => p.scope === 'chatflow').map((p) => p.file);
    await this.service.store({ chatflowId: request.chatflowId }, [...loaderFiles, ...checkedInline]);
    await this.service.store(
      { chatflowId: request.chatflowId, chatId: request.chatId },
      placements.filter((p) => p.scope === 'chat').map((p) => p.file),
    );
    for (const placement of placements) {
      if (placement.text !== undefined) attachment += docBlock(placement.file.name, placement.text);
    }

    const result: PredictionUploadResult = {};
    if (records.length > 0) result.uploads = records;
    if (attachment !== '') result.fileAttachment = attachment;
    // Files inline in overrideConfig are stored like uploads: the run row keeps their names, not their bytes.
    const overrideConfig = inline.files.length > 0 ? inline.replaced : request.overrideConfig;
    if (loaderFiles.length > 0) {
      const form = Object.fromEntries(Object.entries(request.form ?? {}).filter(([key]) => !BODY_FIELDS.has(key)));
      result.overrideConfig = addFileStorageOverrides({ ...form, ...overrideConfig }, loaderFiles.map((f) => f.name));
    } else if (inline.files.length > 0) {
      result.overrideConfig = overrideConfig;
    }
    return result;
  }

  /** The record of a body `uploads` entry, after refusing what this chatflow cannot use. */
  private placeEntry(entry: UploadEntry, file: CheckedFile | undefined, images: boolean): FileUpload {
    const label = `uploads[${entry.index}] "${entry.name}"`;
    const requireImages = (mime: string) => {
      if (!mime.startsWith('image/')) {
        throw new AppError('UNSUPPORTED_FILE_TYPE', 415, `${label} of type ${mime}: uploads of type "${entry.type}" must be images`);
      }
      if (!images) {
        throw new AppError(
          'INVALID_UPLOAD',
          400,
          `${label}: this chatflow takes no images (it needs a chat model with Allow Image Uploads on, used by an LLM Chain or Conversation Chain)`,
        );
      }
    };
    switch (entry.type) {
      case 'file':
        requireImages(file!.type.mime);
        return { type: 'stored-file', name: entry.name, mime: file!.type.mime };
      case 'file:rag':
        if (file!.type.kind === 'image') throw new AppError('UNSUPPORTED_FILE_TYPE', 415, `${label}: "file:rag" uploads must be documents, not images`);
        return { type: 'stored-file', name: entry.name, mime: file!.type.mime };
      case 'url':
        requireImages(entry.mime);
        return { type: 'url', name: entry.name, mime: entry.mime, data: entry.data };
      default:
        return { type: 'stored-file:full', name: entry.name, mime: entry.mime };
    }
  }

  /** Where a multipart file goes (see the class comment), its text read when it is a full file. */
  private async placePart(file: CheckedFile, request: PredictionUploadRequest, images: boolean, budget: TextBudget): Promise<Placement> {
    const field = loaderFieldForFile(file.name);
    if (loaderFieldEnabled(request.plan, request.overrideSettings, field)) return { file, scope: 'chatflow' };
    if (file.type.kind === 'image' && images) {
      return { file, scope: 'chat', record: { type: 'stored-file', name: file.name, mime: file.type.mime } };
    }
    const full = fullFileUploadSettings(request.chatbotConfig);
    const label = `File "${file.name}" (files)`;
    if (full.enabled && file.type.kind !== 'image') {
      const allowed = [file.type.mime, ...(file.type.aliases ?? [])].some((m) => full.mimes.includes(m));
      if (!allowed) {
        throw new AppError(
          'UNSUPPORTED_FILE_TYPE',
          415,
          `${label} of type ${file.type.mime} is not allowed for full-file uploads; allowed: ${full.mimes.join(', ') || 'none'}`,
        );
      }
      const text = await this.service.readText(file, label, budget, pdfUsageOf(request.chatbotConfig));
      return { file, scope: 'chat', record: { type: 'stored-file:full', name: file.name, mime: file.type.mime }, text };
    }
    throw new AppError(
      'INVALID_UPLOAD',
      400,
      `${label} has no use in this chatflow: no node input "${field}" is enabled for override (apiConfig.overrideConfig), ` +
        `${file.type.kind === 'image' ? 'image uploads are off' : 'full-file uploads are off (chatbotConfig.fullFileUpload)'}`,
    );
  }
}

/** True when overrideConfig would set `field` on some node (Flowise applies multipart files that way). */
export function loaderFieldEnabled(plan: Pick<FlowPlan, 'allNodes'>, settings: OverrideSettings, field: string): boolean {
  if (!settings.enabled) return false;
  return [...plan.allNodes.values()].some(
    (node) => settings.nodeParams.get(node.label)?.has(field) === true && node.definition.inputs.some((spec) => spec.name === field),
  );
}

/** `chatbotConfig.fullFileUpload.pdfFile.usage`: a PDF's text per page (default) or as one block. */
export function pdfUsageOf(config: ChatbotConfig): 'perPage' | 'perFile' {
  const pdf = (config.fullFileUpload as { pdfFile?: { usage?: unknown } } | undefined)?.pdfFile;
  return pdf?.usage === 'perFile' ? 'perFile' : 'perPage';
}
