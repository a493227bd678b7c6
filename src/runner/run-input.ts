import { z } from 'zod';

/**
 * The part of a prediction request a run needs, as stored in the run row (`run.input`). Parsed with
 * zod whenever it is read back, since it crosses process boundaries through the database.
 */
export const chatTurnSchema = z.object({
  role: z.enum(['userMessage', 'apiMessage']),
  content: z.string(),
});

/** An upload as the user message records it (engine FileUpload); the bytes stay in the uploads table. */
export const fileUploadSchema = z.object({
  type: z.enum(['stored-file', 'stored-file:full', 'url']),
  name: z.string(),
  mime: z.string(),
  data: z.string().optional(),
});

export const runInputSchema = z.object({
  question: z.string(),
  history: z.array(chatTurnSchema).default([]),
  overrideConfig: z.record(z.string(), z.unknown()).optional(),
  /** The question's uploads, already stored (server side) before the run was created. */
  uploads: z.array(fileUploadSchema).optional(),
  leadEmail: z.string().optional(),
  /** Full-file uploads' text, `<doc name='…'>…</doc>` blocks (engine FlowInput.fileAttachment). */
  fileAttachment: z.string().optional(),
  /** Flowise's chatType of the stored messages: `INTERNAL` for the web UI's test chat; absent = `EXTERNAL`. */
  chatType: z.enum(['INTERNAL', 'EXTERNAL']).optional(),
});

export type RunInput = z.infer<typeof runInputSchema>;
