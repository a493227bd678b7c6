import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api } from '../api/client';
import { RUN_STATUSES, type RunView, formatDuration, isActive, listRuns } from '../api/runs';
import type { Chatflow } from '../api/types';
import { ErrorText } from '../components/ListParts';
import { useTitle } from '../components/use-title';
import { StatusBadge } from './RunParts';
import './executions.css';

const PAGE_SIZES = [20, 50, 100];
/** How often the list is read again while a run on it is still queued or running. */
export const REFRESH_MS = 2000;

/** Where the run view's back link returns: the list with the filters and page it was opened from. */
export const listHref = () => `/executions${sessionStorage.getItem('executions.query') ?? ''}`;

/** A `YYYY-MM-DD` of the date inputs as the instant its local day starts (or ends, for `to`). */
function dayBound(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (end) date.setDate(date.getDate() + 1), date.setMilliseconds(-1);
  return date.toISOString();
}

/**
 * The filters of a URL the form cannot show (a hand-edited or old link): a status that is none of
 * RUN_STATUSES (a comma list of them is fine), a date that is not the date inputs' `YYYY-MM-DD`.
 * Each as `name "value" (why)`, keyed by its parameter.
 */
function unusableFilters(params: URLSearchParams): Record<string, string> {
  const found: Record<string, string> = {};
  const status = params.get('status');
  if (status && !status.split(',').every((s) => (RUN_STATUSES as readonly string[]).includes(s.trim()))) found.status = `status "${status}" (not a run status)`;
  for (const key of ['from', 'to']) {
    const day = params.get(key);
    if (day && !(/^\d{4}-\d{2}-\d{2}$/.test(day) && dayBound(day, false))) found[key] = `${key} "${day}" (not a date)`;
  }
  return found;
}

/**
 * Every run of every chatflow, newest first: filters (chatflow, status, date range, session) and paging
 * live in the URL, so the back button from a run returns to the same list. Runs still queued or running
 * are read again every REFRESH_MS until they end.
 */
export function ExecutionsPage() {
  useTitle('Executions');
  const [params, setParams] = useSearchParams();
  const filter = {
    chatflowId: params.get('chatflowId') ?? '',
    status: params.get('status') ?? '',
    sessionId: params.get('sessionId') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const limit = PAGE_SIZES.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : PAGE_SIZES[0]!;
  const [runs, setRuns] = useState<{ data: RunView[]; total: number }>();
  const [flows, setFlows] = useState<Chatflow[]>([]);
  const [session, setSession] = useState(filter.sessionId);
  const [error, setError] = useState('');
  /** What the last link held that the filters could not show, dropped from the URL ("" when nothing). */
  const [dropped, setDropped] = useState('');

  const set = (changes: Record<string, string>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) value ? next.set(key, value) : next.delete(key);
        // Another filter shows other runs: back to their first page.
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );

  const search = params.toString();
  const unusable = unusableFilters(params);
  const hasUnusable = Object.keys(unusable).length > 0;
  useEffect(() => {
    if (!hasUnusable) return;
    setDropped(Object.values(unusable).join(', '));
    set(Object.fromEntries(Object.keys(unusable).map((key) => [key, ''])));
    // Runs once per URL that holds such values; `set` drops them, so the next URL holds none.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  const filtered = ['chatflowId', 'status', 'sessionId', 'from', 'to'].some((key) => params.has(key));
  function clearFilters() {
    setSession('');
    setDropped('');
    set({ chatflowId: '', status: '', sessionId: '', from: '', to: '' });
  }
  // While unusable values are being dropped, nothing is read with them.
  const query = hasUnusable ? '' : JSON.stringify({ ...filter, page, limit });
  useEffect(() => sessionStorage.setItem('executions.query', search ? `?${search}` : ''), [search]);
  const load = useCallback(async (signal?: AbortSignal) => {
    if (!query) return;
    const q = JSON.parse(query) as typeof filter & { page: number; limit: number };
    try {
      const list = await listRuns({ ...q, from: dayBound(q.from, false), to: dayBound(q.to, true) }, signal);
      setRuns(list);
      setError('');
    } catch (e) {
      if (signal?.aborted) return;
      setError((e as Error).message);
      // No list (not the previous filters' runs); the error says what is wrong, Clear filters gets out of it.
      setRuns(undefined);
    }
  }, [query]);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);
  useEffect(() => {
    api<Chatflow[]>('GET', '/chatflows').then(setFlows, (e: Error) => setError(e.message));
  }, []);
  const active = runs?.data.some((run) => isActive(run.status)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, load]);

  const pages = runs ? Math.max(1, Math.ceil(runs.total / limit)) : 1;
  return (
    <section className="executions">
      <div className="page-head">
        <h1>Executions</h1>
        {active && <span className="hint" role="status">Refreshing while runs are in progress</span>}
        <span className="spacer" />
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <form className="run-filters" aria-label="Filter runs" onSubmit={(e) => (e.preventDefault(), set({ sessionId: session.trim() }))}>
        <label>
          Chatflow
          <select value={filter.chatflowId} onChange={(e) => set({ chatflowId: e.target.value })}>
            <option value="">All chatflows</option>
            {flows.map((flow) => (
              <option key={flow.id} value={flow.id}>
                {flow.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filter.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any status</option>
            {/* A list of statuses from a link (`failed,aborted`): shown as it is. */}
            {filter.status && !(RUN_STATUSES as readonly string[]).includes(filter.status) && <option value={filter.status}>{filter.status}</option>}
            {RUN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
        <label>
          Session
          <input type="search" placeholder="Session id" value={session} onChange={(e) => setSession(e.target.value)} onBlur={() => set({ sessionId: session.trim() })} />
        </label>
        <button type="submit">Apply</button>
        {filtered && (
          <button type="button" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </form>
      {dropped && (
        <p className="hint" role="note">
          Ignored from the link: {dropped}.
        </p>
      )}
      <ErrorText error={error} />
      {runs === undefined ? (
        !error && <p>Loading…</p>
      ) : runs.data.length === 0 ? (
        <p className="empty">{runs.total === 0 ? 'No runs match these filters.' : 'No runs on this page.'}</p>
      ) : (
        <table className="list runs">
          <thead>
            <tr>
              <th>When</th>
              <th>Chatflow</th>
              <th>Question</th>
              <th>Status</th>
              <th>Session / chat</th>
              <th>Duration</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.runId} data-run-id={run.runId}>
                <td>{new Date(run.createdDate).toLocaleString()}</td>
                <td>{run.chatflowName ?? <span className="hint">deleted chatflow</span>}</td>
                <td className="question">
                  <Link href={`/executions/${run.runId}`}>{run.question || '(no question)'}</Link>
                </td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td className="ids">
                  <span title="Session id">{run.sessionId}</span>
                  {run.chatId !== run.sessionId && <span className="hint" title="Chat id">{run.chatId}</span>}
                </td>
                <td>{formatDuration(run.runTimeMs)}</td>
                <td>{run.attempt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs && runs.total > 0 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={page <= 1} onClick={() => set({ page: String(page - 1) })}>
            Previous
          </button>
          <span role="status">
            Page {page} of {pages} · {runs.total === 1 ? '1 run' : `${runs.total} runs`}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => set({ page: String(page + 1) })}>
            Next
          </button>
          <label>
            Per page
            <select value={limit} onChange={(e) => set({ limit: e.target.value })}>
              {PAGE_SIZES.map((size) => (
                <option key={size}>{size}</option>
              ))}
            </select>
          </label>
        </nav>
      )}
    </section>
  );
}
