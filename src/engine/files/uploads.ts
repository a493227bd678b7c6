import type { BaseMessage } from '@langchain/core/messages';
import type { RunContext } from '../nodes/node-definition.js';
import { messageClasses } from '../prompts/messages.js';

/**
 * An upload of the current question as Flowise records it in the user message's `fileUploads`:
 * `stored-file` (a file kept in the uploads: an image, or a `file:rag` document), `stored-file:full`
 * (a document whose text went into the question) or `url` (an image the model fetches itself; `data`
 * holds the URL). Stored files carry no bytes here; nodes read them through `EngineServices.files`.
 */
export interface FileUpload {
  type: 'stored-file' | 'stored-file:full' | 'url';
  name: string;
  mime: string;
  /** The URL of a `url` upload. */
  data?: string;
}

/** A LangChain image content part (the OpenAI shape, which every LangChain chat model accepts). */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string };
  /** LangChain's content blocks are open records. */
  [key: string]: unknown;
}

/**
 * Chat model instances built with `allowImageUploads` on. A WeakSet, because instances are shared
 * between runs (InstanceCache) and the flag is part of their inputs, hence of their cache key.
 */
const imageModels = new WeakSet<object>();

export function markImageUploads(model: unknown): void {
  if (typeof model === 'object' && model !== null) imageModels.add(model);
}

export function allowsImageUploads(model: unknown): boolean {
  return typeof model === 'object' && model !== null && imageModels.has(model);
}

/**
 * The question's images as content parts for `model`, as Flowise's `addImagesToMessages` builds
 * them: none unless the model allows image uploads; stored images as base64 data URLs read through
 * the FileStore (from the database, on whichever process runs the flow); `url` images as given.
 */
export async function imageParts(model: unknown, ctx: RunContext): Promise<ImagePart[]> {
  if (!allowsImageUploads(model)) return [];
  const images = (ctx.uploads ?? []).filter((upload) => upload.mime.startsWith('image/'));
  const stored = images.filter((upload) => upload.type === 'stored-file').map((upload) => upload.name);
  const files = stored.length > 0 && ctx.services.files ? await ctx.services.files.load({ chatflowId: ctx.chatflowId, chatId: ctx.chatId }, stored) : [];
  const byName = new Map(files.map((file) => [file.name, file]));
  const parts: ImagePart[] = [];
  for (const upload of images) {
    if (upload.type === 'url' && upload.data) parts.push({ type: 'image_url', image_url: { url: upload.data } });
    const file = upload.type === 'stored-file' ? byName.get(upload.name) : undefined;
    if (file) parts.push({ type: 'image_url', image_url: { url: `data:${upload.mime};base64,${file.data.toString('base64')}` } });
  }
  return parts;
}

/**
 * A human message holding `text` and the images, in Flowise's order: images first for llmChain and
 * toolAgent, text first for conversationChain. No images: a plain text message.
 */
export async function humanMessageWithImages(text: string, parts: ImagePart[], order: 'images-first' | 'text-first'): Promise<BaseMessage> {
  const { HumanMessage } = await messageClasses();
  if (parts.length === 0) return new HumanMessage(text);
  const textPart: Record<string, unknown> & { type: 'text' } = { type: 'text', text };
  return new HumanMessage({ content: order === 'images-first' ? [...parts, textPart] : [textPart, ...parts] });
}

/** The messages with the last one (a human message's text) carrying the images before its text. */
export async function withImagesOnLastMessage(messages: BaseMessage[], parts: ImagePart[]): Promise<BaseMessage[]> {
  const last = messages.at(-1);
  if (parts.length === 0 || !last || last.getType() !== 'human' || typeof last.content !== 'string') return messages;
  return [...messages.slice(0, -1), await humanMessageWithImages(last.content, parts, 'images-first')];
}
