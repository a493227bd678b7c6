import type { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import { zodMessage } from '../plugins/error-handler.js';

/** Parses an HTTP input with a route's zod schema; a mismatch is a 400 naming each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what = 'Request body'): z.output<T> {
  if (value === undefined || value === null) throw new AppError('VALIDATION_FAILED', 400, `${what} is required`);
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('VALIDATION_FAILED', 400, zodMessage(result.error));
  return result.data;
}
