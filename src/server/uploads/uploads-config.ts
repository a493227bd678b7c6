import type { FlowPlan, PlanNode } from '../../engine/graph/flow-plan.js';
import { asBoolean } from '../../engine/nodes/input-values.js';
import { referencedNodeIds } from '../../engine/run/variables.js';
import { FILE_TYPES } from '../../shared/file-types.js';
import type { ChatbotConfig } from '../services/chatbot-config.js';

/** One entry of the embed's size-and-type lists (`maxUploadSize` in MB). */
export interface UploadSizeAndTypes {
  fileTypes: string[];
  maxUploadSize: number;
}

/**
 * What a chatflow accepts, in the shape Flowise's `GET /chatflows-uploads/:id` and the `uploads` key of
 * `public-chatbotConfig` answer (flowise-embed shows upload buttons from it).
 */
export interface UploadsConfig {
  isSpeechToTextEnabled: boolean;
  isImageUploadAllowed: boolean;
  isRAGFileUploadAllowed: boolean;
  imgUploadSizeAndTypes: UploadSizeAndTypes[];
  fileUploadSizeAndTypes: UploadSizeAndTypes[];
}

export const IMAGE_MIMES = FILE_TYPES.filter((t) => t.kind === 'image').map((t) => t.mime);

const toMb = (bytes: number) => Math.max(1, Math.floor(bytes / 1024 / 1024));

/**
 * Images are accepted when a built chain or agent passes images on (NodeDefinition.passesImages) and a
 * built chat model has Allow Image Uploads on (Flowise's rule, limited to what this engine runs).
 */
export function imageUploadsAllowed(plan: FlowPlan): boolean {
  const passes = plan.buildOrder.some((node) => node.definition.passesImages === true);
  const model = plan.buildOrder.some((node) => node.category === 'Chat Models' && asBoolean(node.inputs.allowImageUploads) === true);
  return passes && model;
}

/** The file types of the loaders feeding a vector store that takes uploads (`fileUpload` on). */
function ragFileTypes(plan: FlowPlan): string[] | undefined {
  const store = [...plan.allNodes.values()].find((n) => n.category === 'Vector Stores' && asBoolean(n.inputs.fileUpload) === true);
  if (!store) return undefined;
  const loaders = [...referencedNodeIds(store.inputs.document)]
    .map((id) => plan.allNodes.get(id))
    .filter((n): n is PlanNode => n !== undefined);
  const types: string[] = [];
  for (const loader of loaders) {
    const file = loader.definition.inputs.find((spec) => spec.type === 'file');
    if (!file) continue;
    const declared = (file as { fileType?: unknown }).fileType;
    types.push(...(typeof declared === 'string' && declared.trim() !== '' ? declared.split(',').map((t) => t.trim()) : ['*']));
  }
  return types.length > 0 ? types : undefined;
}

/** Full-file uploads (`chatbotConfig.fullFileUpload`): on or off, and the MIME types allowed. */
export function fullFileUploadSettings(config: ChatbotConfig): { enabled: boolean; mimes: string[] } {
  const setting = config.fullFileUpload as { status?: unknown; allowedUploadFileTypes?: unknown } | undefined;
  const enabled = setting?.status === true;
  const list = typeof setting?.allowedUploadFileTypes === 'string' ? setting.allowedUploadFileTypes : '';
  return { enabled, mimes: list.split(',').map((m) => m.trim()).filter(Boolean) };
}

export const NO_UPLOADS: UploadsConfig = {
  isSpeechToTextEnabled: false,
  isImageUploadAllowed: false,
  isRAGFileUploadAllowed: false,
  imgUploadSizeAndTypes: [],
  fileUploadSizeAndTypes: [],
};

/** The settings of a flow that may not be valid: an invalid flow accepts nothing (its prediction answers 400). */
export function uploadsConfigOf(plan: () => FlowPlan, maxFileBytes: number): UploadsConfig {
  let built: FlowPlan;
  try {
    built = plan();
  } catch {
    return NO_UPLOADS;
  }
  return uploadsConfig(built, maxFileBytes);
}

export function uploadsConfig(plan: FlowPlan, maxFileBytes: number): UploadsConfig {
  const images = imageUploadsAllowed(plan);
  const rag = ragFileTypes(plan);
  return {
    // Speech to text is not supported: audio uploads are refused.
    isSpeechToTextEnabled: false,
    isImageUploadAllowed: images,
    isRAGFileUploadAllowed: rag !== undefined,
    imgUploadSizeAndTypes: images ? [{ fileTypes: IMAGE_MIMES, maxUploadSize: toMb(maxFileBytes) }] : [],
    fileUploadSizeAndTypes: rag ? [{ fileTypes: rag, maxUploadSize: toMb(maxFileBytes) }] : [],
  };
}
