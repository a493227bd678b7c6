import { z } from 'zod';

/**
 * The part of a prediction request a run needs, as stored in the run row (`run.input`). Parsed with
 * zod whenever it is read back, since it crosses process boundaries through the database.
 */
export const chatTurnSchema = z.object({
  role: z.enum(['userMessage', 'apiMessage']),
  content: z.string(),
});

export const runInputSchema = z.object({
  question: z.string(),
  history: z.array(chatTurnSchema).default([]),
  overrideConfig: z.record(z.string(), z.unknown()).optional(),
  uploads: z.array(z.unknown()).optional(),
  leadEmail: z.string().optional(),
  fileAttachment: z.string().optional(),
});

export type RunInput = z.infer<typeof runInputSchema>;
