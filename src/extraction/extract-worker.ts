import { DocumentParseError, parseDocx, parsePdf, stripNul } from '../engine/files/parse-documents.js';

/** One parse, as the pool sends it to a worker thread (the bytes are copied, not shared). */
export interface ExtractTask {
  kind: 'pdf' | 'docx';
  name: string;
  data: Uint8Array;
  maxChars: number;
}

/** A parse failure crosses the thread boundary as data (a thrown class would arrive as a plain Error). */
export type ExtractReply = { ok: true; value: unknown } | { ok: false; reason: 'too-large' | 'unreadable'; message: string };

/** The worker thread's handler (piscina calls the default export). */
export default async function extract(task: ExtractTask): Promise<ExtractReply> {
  try {
    const value = task.kind === 'pdf' ? await parsePdf(task.data, task.maxChars, task.name) : await parseDocx(task.data, task.maxChars, task.name);
    return { ok: true, value: stripNul(value) };
  } catch (error) {
    if (error instanceof DocumentParseError) return { ok: false, reason: error.reason, message: error.message };
    return { ok: false, reason: 'unreadable', message: `${task.name}: its text could not be read (${(error as Error)?.message ?? String(error)})` };
  }
}
