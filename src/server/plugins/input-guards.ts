import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import { findJsonProblem, jsonProblemError, refuseNul } from '../schemas/json-limits.js';

/**
 * Checks every text a request brings before any route sees it, the same on SQLite and PostgreSQL:
 * - JSON bodies are parsed here (an empty body is no body: clients send the header without one) and
 *   refused with 400 when malformed (JSON.parse's reason), nested deeper than MAX_JSON_DEPTH, holding a
 *   key named __proto__ or constructor, or holding a NUL character in any string or key (naming it);
 * - URL parameters and query parameters with a NUL character are refused with 400 naming them.
 * Multipart form fields are checked where they are read (read-multipart.ts).
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(new AppError('INVALID_JSON', 400, `Request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
    const problem = findJsonProblem(value, { nul: true });
    if (problem) return done(jsonProblemError(problem), undefined);
    return done(null, value);
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    checkTexts(request.params, 'URL parameter');
    checkTexts(request.query, 'query parameter');
  });
}

function checkTexts(values: unknown, what: string): void {
  if (!values || typeof values !== 'object') return;
  for (const [name, value] of Object.entries(values)) {
    refuseNul(name, `${what} name`);
    for (const text of Array.isArray(value) ? value : [value]) {
      if (typeof text === 'string') refuseNul(text, `${what} ${name}`);
    }
  }
}
