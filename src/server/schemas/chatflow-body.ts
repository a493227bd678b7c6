import { z } from 'zod';
import { isFlowDataShape } from '../../engine/graph/flow-definition.js';
import { checkApiConfig, checkChatbotConfig } from './chatflow-settings.js';
import { jsonTextTooDeep } from './json-limits.js';

/** Stored JSON nests no deeper than a request body may (reading it back must not fail). */
const notTooDeep = (text: string | null, ctx: z.RefinementCtx) => {
  const message = jsonTextTooDeep(text);
  if (message) ctx.addIssue({ code: 'custom', message });
};

/** Flowise stores several chatflow fields as JSON strings; clients send strings or objects. */
const jsonText = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .nullable()
  .transform((value) => (value === null || typeof value === 'string' ? value : JSON.stringify(value)))
  .superRefine(notTooDeep);

const flowData = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
  .superRefine(notTooDeep)
  .refine(isFlowDataShape, 'must be JSON with "nodes" and "edges" arrays');

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(500),
  flowData,
  deployed: z.boolean().nullable(),
  isPublic: z.boolean().nullable(),
  apikeyid: z.string().nullable(),
  chatbotConfig: jsonText.superRefine(checkChatbotConfig),
  apiConfig: jsonText.superRefine(checkApiConfig),
  analytic: jsonText,
  speechToText: jsonText,
  followUpPrompts: jsonText,
  category: z.string().nullable(),
  type: z.enum(['CHATFLOW', 'MULTIAGENT', 'AGENTFLOW', 'ASSISTANT']),
};

export const createChatflowSchema = z.looseObject({
  id: z.string().min(1).max(200).optional(),
  name: fields.name,
  flowData: fields.flowData,
  deployed: fields.deployed.optional(),
  isPublic: fields.isPublic.optional(),
  apikeyid: fields.apikeyid.optional(),
  chatbotConfig: fields.chatbotConfig.optional(),
  apiConfig: fields.apiConfig.optional(),
  analytic: fields.analytic.optional(),
  speechToText: fields.speechToText.optional(),
  followUpPrompts: fields.followUpPrompts.optional(),
  category: fields.category.optional(),
  type: fields.type.optional(),
});

/** PUT merges: every field optional, only the given ones change (api-contract.md §8.2). */
export const updateChatflowSchema = createChatflowSchema.omit({ id: true }).partial();
