import { AppError } from '../../shared/app-error.js';
import { DocumentParseError, type PdfResult, decodeText, parseDocx, parsePdf, stripNul } from './parse-documents.js';

/** A document to read: its bytes and its name (for messages). */
export interface ExtractRequest {
  name: string;
  data: Uint8Array;
}

/** The text limits of extraction (UPLOAD_MAX_TEXT_SIZE, UPLOAD_MAX_REQUEST_TEXT_SIZE), in characters. */
export interface TextLimits {
  maxFileChars: number;
  maxRequestChars: number;
}

/**
 * Reads PDF and DOCX files (EngineServices.extractor). The server and workers give a pool of worker
 * threads (src/extraction/), so parsing a large or hostile file never blocks the event loop; without
 * one, `inThreadExtractor` parses here (tests, tools). Errors: AppError 413 UPLOAD_TOO_LARGE (more
 * text than allowed, a decompression bomb, a parse that outgrew its memory) or 400 INVALID_UPLOAD (not
 * readable as its type), naming the file; an aborted `signal` ends the parse (its worker is stopped).
 */
export interface DocumentExtractor {
  readonly limits: TextLimits;
  pdf(file: ExtractRequest, signal?: AbortSignal): Promise<PdfResult>;
  docx(file: ExtractRequest, signal?: AbortSignal): Promise<string>;
}

export type { PdfResult };

const MB = 1024 * 1024;
/** What extraction allows when nothing configured it (the defaults of the environment variables). */
export const DEFAULT_TEXT_LIMITS: TextLimits = { maxFileChars: 20 * MB, maxRequestChars: 50 * MB };

/** The AppError of a parse failure (the worker's, or the in-thread one's). */
export function extractionError(error: unknown, name: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof DocumentParseError) {
    return error.reason === 'too-large' ? new AppError('UPLOAD_TOO_LARGE', 413, error.message) : new AppError('INVALID_UPLOAD', 400, error.message);
  }
  return new AppError('INVALID_UPLOAD', 400, `${name}: its text could not be read (${(error as Error)?.message ?? String(error)})`);
}

/** Parses in this thread: for processes without a pool (engine tests). NUL characters are removed. */
export function inThreadExtractor(limits: TextLimits = DEFAULT_TEXT_LIMITS): DocumentExtractor {
  return {
    limits,
    async pdf(file) {
      try {
        return stripNul(await parsePdf(file.data, limits.maxFileChars, file.name));
      } catch (error) {
        throw extractionError(error, file.name);
      }
    },
    async docx(file) {
      try {
        return stripNul(await parseDocx(file.data, limits.maxFileChars, file.name));
      } catch (error) {
        throw extractionError(error, file.name);
      }
    },
  };
}

/**
 * The text budget of one request or run: every file's extracted text counts against
 * `maxRequestChars`, each file's against `maxFileChars`. `take` throws 413 naming the file past either.
 */
export class TextBudget {
  private used = 0;

  constructor(readonly limits: TextLimits) {}

  take(chars: number, label: string): void {
    if (chars > this.limits.maxFileChars) {
      throw new AppError('UPLOAD_TOO_LARGE', 413, `${label} holds ${chars} characters of text, more than the ${this.limits.maxFileChars} allowed per file (UPLOAD_MAX_TEXT_SIZE)`);
    }
    this.used += chars;
    if (this.used > this.limits.maxRequestChars) {
      throw new AppError(
        'UPLOAD_TOO_LARGE',
        413,
        `${label} takes the text of this request's files to ${this.used} characters, more than the ${this.limits.maxRequestChars} allowed per request (UPLOAD_MAX_REQUEST_TEXT_SIZE)`,
      );
    }
  }
}

/** A text file's characters (see decodeText: UTF-8, UTF-16 with a byte-order mark, else Latin-1), NUL removed. */
export const fileText = (data: Uint8Array): string => stripNul(decodeText(data));
