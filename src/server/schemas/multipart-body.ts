import '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';

/** The @fastify/multipart limits for a server with this BODY_LIMIT: no part may be cut short below it. */
export function multipartLimits(bodyLimitBytes: number): { fieldSize: number; fileSize: number } {
  return { fieldSize: bodyLimitBytes, fileSize: bodyLimitBytes };
}

export const tooLarge = (what = 'Request body') =>
  new AppError('PAYLOAD_TOO_LARGE', 413, `${what} is larger than BODY_LIMIT allows`);

/**
 * Reads a multipart/form-data request whose whole size counts against BODY_LIMIT, like a JSON body:
 * a declared Content-Length over the limit is refused before anything is read, and the fields and
 * files together may not exceed it either (a chunked request has no length to check up front). No
 * value is ever cut short: a field or file that reaches the per-part limit (BODY_LIMIT too) is a 413
 * `PAYLOAD_TOO_LARGE`, never a truncated value.
 *
 * Returns the fields (a repeated name keeps its last value; a part sent as application/json arrives parsed). Each file goes to `onFile`, which must
 * consume its stream; without one the file is read and discarded (the supported nodes take no files).
 */
export async function readMultipartFields(
  request: FastifyRequest,
  bodyLimitBytes: number,
  onFile?: (part: MultipartFile, countBytes: (bytes: number) => void) => Promise<void>,
): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyLimitBytes) throw tooLarge();
  let total = 0;
  const countBytes = (bytes: number) => {
    total += bytes;
    if (total > bodyLimitBytes) throw tooLarge();
  };
  const fields: Record<string, unknown> = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.valueTruncated || part.fieldnameTruncated) throw tooLarge(`Form field "${part.fieldname}"`);
      const text = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      countBytes(Buffer.byteLength(part.fieldname) + Buffer.byteLength(text));
      fields[part.fieldname] = part.value;
      continue;
    }
    countBytes(Buffer.byteLength(part.fieldname) + Buffer.byteLength(part.filename));
    if (onFile) await onFile(part, countBytes);
    else for await (const chunk of part.file) countBytes((chunk as Buffer).length);
    if (part.file.truncated) throw tooLarge(`File "${part.filename}"`);
  }
  return fields;
}
