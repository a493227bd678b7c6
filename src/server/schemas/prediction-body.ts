import { z } from 'zod';
import { jsonText } from './json-text.js';

/**
 * The prediction body (api-contract.md §2). Unknown fields, including the SDK's `chatflowId`, are
 * ignored. `history` accepts both spellings: `{role, content}` and `{type, message}`.
 */
const historyItem = z
  .looseObject({
    role: z.enum(['apiMessage', 'userMessage']).optional(),
    type: z.enum(['apiMessage', 'userMessage']).optional(),
    content: z.string().optional(),
    message: z.string().optional(),
  })
  .transform((item, ctx) => {
    const role = item.role ?? item.type;
    const content = item.content ?? item.message;
    if (!role) ctx.addIssue({ code: 'custom', message: 'needs role (or type): apiMessage or userMessage' });
    if (content === undefined) ctx.addIssue({ code: 'custom', message: 'needs content (or message)' });
    return { role: role ?? 'userMessage', content: content ?? '' };
  });


export const predictionBodySchema = z
  .looseObject({
    question: z.string({ error: 'must be a string' }).optional(),
    streaming: z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' }).optional(),
    chatId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
    overrideConfig: jsonText(z.record(z.string(), z.unknown(), { error: 'must be an object' })).optional(),
    history: jsonText(z.array(historyItem, { error: 'must be an array' })).optional(),
    uploads: jsonText(z.array(z.unknown(), { error: 'must be an array' })).optional(),
    form: jsonText(z.record(z.string(), z.unknown(), { error: 'must be an object' })).optional(),
    leadEmail: z.string().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.question === undefined && body.form === undefined) {
      ctx.addIssue({ code: 'custom', path: ['question'], message: 'is required' });
    }
  });

export type PredictionBody = z.infer<typeof predictionBodySchema>;
