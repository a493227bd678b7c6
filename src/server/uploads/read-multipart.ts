import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { UploadConfig } from '../../config/app-config.js';
import { AppError } from '../../shared/app-error.js';
import { hasNul, refuseNul } from '../schemas/json-limits.js';
import type { IncomingFile } from './upload-service.js';

export interface MultipartBody {
  /** Plain form fields; objects arrive as JSON strings, as Flowise clients send them. */
  fields: Record<string, string>;
  files: IncomingFile[];
}

/** Field names a file part may use: Flowise's multer takes `files` (clients also write `files[]`). */
const FILE_FIELDS = new Set(['files', 'files[]']);

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', 413, 'Request body is larger than BODY_LIMIT allows');

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 100) / 100} MB`;

/**
 * Reads a multipart request: form fields, and file parts of the field `files`. A file stops being
 * read once it passes UPLOAD_MAX_FILE_SIZE, and the request once its files pass
 * UPLOAD_MAX_REQUEST_SIZE; both answer 413 UPLOAD_TOO_LARGE naming the file. A file under another
 * field name is 400 (Flowise's multer refuses it too); a form field larger than BODY_LIMIT is 413, and so
 * is a request whose fields and files together pass BODY_LIMIT (nothing is ever cut short). A NUL
 * character in a field's name or value or in a file name is 400 naming it (PostgreSQL's text refuses it).
 */
export async function readMultipart(request: FastifyRequest, limits: UploadConfig, bodyLimitBytes: number): Promise<MultipartBody> {
  const body: MultipartBody = { fields: {}, files: [] };
  let total = 0;
  // BODY_LIMIT bounds the whole request, as for a JSON body: a declared length over it is refused
  // before anything is read, and fields and files are counted together as they arrive (chunked).
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyLimitBytes) throw tooLarge();
  let requestBytes = 0;
  const countBytes = (bytes: number) => {
    requestBytes += bytes;
    if (requestBytes > bodyLimitBytes) throw tooLarge();
  };
  // throwFileSizeLimit is read at run time but missing from the plugin's types: a truncated file is
  // reported here, naming it, instead of the plugin's generic error.
  const options = {
    limits: { fileSize: limits.maxFileBytes, fieldSize: bodyLimitBytes, parts: 1000 },
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest['parts']>[0];
  const parts = request.parts(options);
  for await (const part of parts) {
    if (part.type === 'field') {
      if (part.valueTruncated) {
        throw new AppError('PAYLOAD_TOO_LARGE', 413, `Form field "${part.fieldname}" is larger than BODY_LIMIT allows`);
      }
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      refuseNul(part.fieldname, 'form field name');
      refuseNul(value, part.fieldname);
      body.fields[part.fieldname] = value;
      countBytes(Buffer.byteLength(part.fieldname) + Buffer.byteLength(body.fields[part.fieldname]!));
      continue;
    }
    if (!FILE_FIELDS.has(part.fieldname)) {
      part.file.resume();
      throw new AppError('INVALID_UPLOAD', 400, `File "${part.filename}" was sent in the field "${part.fieldname}"; send files in the field "files"`);
    }
    if (hasNul(part.filename)) {
      part.file.resume();
      refuseNul(part.filename, 'file name');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file) {
      size += (chunk as Buffer).length;
      countBytes((chunk as Buffer).length);
      chunks.push(chunk as Buffer);
      if (total + size > limits.maxRequestBytes) {
        throw new AppError(
          'UPLOAD_TOO_LARGE',
          413,
          `File "${part.filename}" (files) takes the request's uploads over the ${mb(limits.maxRequestBytes)} allowed per request (UPLOAD_MAX_REQUEST_SIZE)`,
        );
      }
    }
    if (part.file.truncated) {
      throw new AppError(
        'UPLOAD_TOO_LARGE',
        413,
        `File "${part.filename}" (files) is larger than the ${mb(limits.maxFileBytes)} allowed per file (UPLOAD_MAX_FILE_SIZE)`,
      );
    }
    total += size;
    body.files.push({ field: 'files', name: part.filename, mime: part.mimetype, data: Buffer.concat(chunks) });
  }
  return body;
}
