import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';
import { dateEndParam, dateParam, idParam, limitParam, listParam, pageParam } from '../schemas/query-params.js';
import { runView } from './runs.routes.js';

/** Most runs one page may hold. */
export const MAX_RUNS_PAGE = 500;

const listQuery = z.looseObject({
  chatflowId: idParam,
  status: listParam(['queued', 'running', 'completed', 'failed', 'aborted']),
  sessionId: idParam,
  chatId: idParam,
  from: dateParam,
  to: dateEndParam,
  page: pageParam.default(1),
  limit: limitParam(MAX_RUNS_PAGE).default(20),
});

/**
 * `GET /api/v1/runs`: every run, newest first, one page at a time (management access). Each entry is
 * the run as `GET /api/v1/runs/:runId` shows it, without `trace`, plus `chatflowName` (null once the chatflow is deleted).
 * `status` takes one status or a list (`failed,aborted`); `from`/`to` bound `createdDate` (inclusive; a
 * date-only `to` is the end of that UTC day).
 */
export async function runListRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/runs', async (request) => {
    const query = parseInput(listQuery, request.query, 'Query');
    if (query.from && query.to && query.from > query.to) {
      throw new AppError('VALIDATION_FAILED', 400, 'to: must not be before from');
    }
    const { data, total } = await deps.repos.runs.list(
      {
        chatflowId: query.chatflowId,
        statuses: query.status,
        sessionId: query.sessionId,
        chatId: query.chatId,
        from: query.from,
        to: query.to,
      },
      { page: query.page, limit: query.limit },
    );
    // The trace stays in the single run's view: a page of them could be large, and the list shows none.
    const views = data.map((run) => {
      const { trace: _trace, ...view } = runView(run);
      return { ...view, chatflowName: run.chatflowName ?? null };
    });
    return { data: views, total };
  });
}
