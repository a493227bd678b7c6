import type { UploadConfig } from '../../config/app-config.js';
import { type DocumentExtractor, TextBudget, inThreadExtractor } from '../../engine/files/document-extractor.js';
import { extractText } from '../../engine/files/extract-text.js';
import { AppError } from '../../shared/app-error.js';
import { type FileKind, type FileType, FILE_TYPES, checkFileType, describeFileTypes } from '../../shared/file-types.js';
import type { UploadInfo, UploadRepository, UploadScope } from '../../storage/repositories/upload-repository.js';

/** A file as a request brought it (a multipart part or a decoded data URL). */
export interface IncomingFile {
  /** Multipart field name (`files`), or `uploads[i]` for a prediction's `uploads` entry. */
  field: string;
  name: string;
  /** Declared MIME type. */
  mime: string;
  data: Buffer;
}

/** A file that passed the checks; `type` is what its name and declared type agree on. */
export interface CheckedFile extends IncomingFile {
  type: FileType;
}

/** What a caller accepts besides the defaults (FILE_TYPES and the size limits). */
export interface UploadPolicy {
  /** Only these kinds (e.g. images for a vision upload). */
  kinds?: FileKind[];
  /** Only these MIME types (a chatflow's `fullFileUpload.allowedUploadFileTypes`). */
  mimes?: string[];
  /** Says what the upload is for, in refusals ("image uploads", "full-file uploads"). */
  purpose?: string;
}

const MAX_NAME_LENGTH = 255;

/** Flowise's unsafe-path rules: no directories, traversal, control characters or encoded slashes. */
function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'has an empty file name';
  if (name.length > MAX_NAME_LENGTH) return `has a file name longer than ${MAX_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'has control characters in its file name';
  if (/[/\\]|\.\.|%2e%2e|%2f|%5c/i.test(name)) return 'has a path in its file name (only a plain name is accepted)';
  return undefined;
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 100) / 100} MB`;

/**
 * Checks uploaded files (name, type, size) and stores them in the database, where every process finds
 * them. Refusals are AppErrors naming the file: 413 UPLOAD_TOO_LARGE (UPLOAD_MAX_FILE_SIZE per file,
 * UPLOAD_MAX_REQUEST_SIZE per request), 415 UNSUPPORTED_FILE_TYPE, 400 INVALID_UPLOAD (bad name).
 * The routes that take files (predictions, attachments, vector upserts, document stores) all use it.
 */
export class UploadService {
  /** Reads PDF and DOCX text on the process's extraction threads (the in-thread parser in unit tests). */
  readonly extractor: DocumentExtractor;

  constructor(
    private readonly repo: UploadRepository,
    readonly limits: UploadConfig,
    extractor?: DocumentExtractor,
  ) {
    this.extractor = extractor ?? inThreadExtractor({ maxFileChars: limits.maxTextChars, maxRequestChars: limits.maxRequestTextChars });
  }

  /** A fresh budget for the extracted text of one request (UPLOAD_MAX_TEXT_SIZE, UPLOAD_MAX_REQUEST_TEXT_SIZE). */
  textBudget(): TextBudget {
    return new TextBudget({ maxFileChars: this.limits.maxTextChars, maxRequestChars: this.limits.maxRequestTextChars });
  }

  /**
   * A document's text (attachments, full-file uploads): extracted on the extraction threads, counted
   * against `budget`. A file that cannot be read is refused with 400 INVALID_UPLOAD, too much text with
   * 413 UPLOAD_TOO_LARGE, both naming it by `label`.
   */
  async readText(file: CheckedFile, label: string, budget: TextBudget, pdfUsage: 'perPage' | 'perFile' = 'perPage'): Promise<string> {
    let text: string;
    try {
      text = await extractText({ name: file.name, data: file.data, kind: file.type.kind, mime: file.type.mime }, { pdfUsage }, this.extractor);
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, error.status, `${label}: ${error.message}`);
      throw new AppError('INVALID_UPLOAD', 400, `${label}: its text could not be read (${(error as Error).message})`);
    }
    budget.take(text.length, label);
    return text;
  }

  /** Refuses the first bad file; answers the files with their checked types. */
  check(files: IncomingFile[], policy: UploadPolicy = {}): CheckedFile[] {
    let total = 0;
    return files.map((file) => {
      const label = `File "${file.name}" (${file.field})`;
      const badName = nameProblem(file.name);
      if (badName) throw new AppError('INVALID_UPLOAD', 400, `${label} ${badName}`);
      if (file.data.length > this.limits.maxFileBytes) {
        throw new AppError(
          'UPLOAD_TOO_LARGE',
          413,
          `${label} is ${mb(file.data.length)}, larger than the ${mb(this.limits.maxFileBytes)} allowed per file (UPLOAD_MAX_FILE_SIZE)`,
        );
      }
      total += file.data.length;
      if (total > this.limits.maxRequestBytes) {
        throw new AppError(
          'UPLOAD_TOO_LARGE',
          413,
          `${label} takes the request's uploads to ${mb(total)}, over the ${mb(this.limits.maxRequestBytes)} allowed per request (UPLOAD_MAX_REQUEST_SIZE)`,
        );
      }
      return { ...file, type: this.checkType(file, label, policy) };
    });
  }

  private checkType(file: IncomingFile, label: string, policy: UploadPolicy): FileType {
    const checked = checkFileType(file.name, file.mime);
    if (!checked.ok) {
      throw new AppError('UNSUPPORTED_FILE_TYPE', 415, `${label} ${checked.reason}; accepted: ${describeFileTypes()}`);
    }
    const purpose = policy.purpose ?? 'this upload';
    if (policy.kinds && !policy.kinds.includes(checked.type.kind)) {
      const accepted = FILE_TYPES.filter((t) => policy.kinds!.includes(t.kind));
      throw new AppError('UNSUPPORTED_FILE_TYPE', 415, `${label} is not accepted for ${purpose}; accepted: ${describeFileTypes(accepted)}`);
    }
    if (policy.mimes) {
      const allowed = policy.mimes.map((m) => m.trim().toLowerCase());
      const matches = [checked.type.mime, ...(checked.type.aliases ?? [])].some((m) => allowed.includes(m));
      if (!matches) {
        throw new AppError(
          'UNSUPPORTED_FILE_TYPE',
          415,
          `${label} of type ${checked.type.mime} is not allowed for ${purpose}; allowed: ${allowed.join(', ') || 'none'}`,
        );
      }
    }
    return checked.type;
  }

  /**
   * Checks every file first (nothing is stored when one is refused), then stores them under `scope`;
   * a file of the same name in the same scope is replaced. Answers what was stored, in order.
   */
  async storeUploads(scope: UploadScope, files: IncomingFile[], policy: UploadPolicy = {}): Promise<UploadInfo[]> {
    return this.store(scope, this.check(files, policy));
  }

  /** Stores files that passed `check`, under their checked MIME type. */
  async store(scope: UploadScope, files: CheckedFile[]): Promise<UploadInfo[]> {
    const stored: UploadInfo[] = [];
    for (const file of files) {
      stored.push(await this.repo.put(scope, { name: file.name, mime: file.type.mime, data: file.data }));
    }
    return stored;
  }
}
