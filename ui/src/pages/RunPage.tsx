import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, api } from '../api/client';
import type { Chatflow } from '../api/types';
import { type RunView, abortRun, formatDuration, getRun, isActive } from '../api/runs';
import { ErrorText } from '../components/ListParts';
import { useTitle } from '../components/use-title';
import { REFRESH_MS, listHref } from './ExecutionsPage';
import { useLiveTrace } from './live-trace';
import { StatusBadge, TraceTable } from './RunParts';
import './executions.css';

/** The answer's text, or an output parser's `json` formatted. */
const answerOf = (run: RunView) => run.result?.text ?? (run.result?.json !== undefined ? JSON.stringify(run.result.json, null, 2) : undefined);

const when = (date: string | null) => (date ? new Date(date).toLocaleString() : '—');

/**
 * One run: question, answer, status, attempts (a worker restart adds one), timings, node trace (live from
 * the run's events while it is in progress) and error; a queued or running run can be aborted, and is read again every REFRESH_MS until it ends.
 */
export function RunPage({ runId }: { runId: string }) {
  useTitle('Run');
  const [run, setRun] = useState<RunView>();
  const [error, setError] = useState('');
  const [missing, setMissing] = useState(false);
  const [aborting, setAborting] = useState(false);
  const [chatflowName, setChatflowName] = useState<string | null>();

  const chatflowId = run?.chatflowId;
  useEffect(() => {
    if (!chatflowId) return;
    // A deleted chatflow keeps its runs: they show its id.
    api<Chatflow>('GET', `/chatflows/${encodeURIComponent(chatflowId)}`).then(
      (flow) => setChatflowName(flow.name),
      () => setChatflowName(null),
    );
  }, [chatflowId]);

  const load = useCallback(async () => {
    try {
      setRun(await getRun(runId));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setMissing(true);
      else setError((e as Error).message);
    }
  }, [runId]);
  useEffect(() => void load(), [load]);
  const active = run ? isActive(run.status) : false;
  const liveTrace = useLiveTrace(runId, active);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, load]);

  async function abort() {
    setAborting(true);
    setError('');
    try {
      const { aborted } = await abortRun(runId);
      if (!aborted) setError('The run had already ended.');
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setAborting(false);
    }
  }

  if (missing) {
    return (
      <section>
        <p className="empty">Run {runId} does not exist.</p>
        <Link href={listHref()}>Back to executions</Link>
      </section>
    );
  }
  return (
    <section className="run-view">
      <div className="page-head">
        <Link href={listHref()} className="button icon" aria-label="Back to executions">
          ←
        </Link>
        <h1>Run</h1>
        <code>{runId}</code>
        {run && <StatusBadge status={run.status} />}
        <span className="spacer" />
        {run && active && (
          <button type="button" className="danger" disabled={aborting} onClick={() => void abort()}>
            Abort
          </button>
        )}
      </div>
      <ErrorText error={error} />
      {!run ? (
        <p>Loading…</p>
      ) : (
        <>
          <dl className="run-facts">
            <dt>Chatflow</dt>
            <dd>
              {chatflowName === null ? (
                <span>
                  {run.chatflowId} <span className="hint">(deleted)</span>
                </span>
              ) : (
                <Link href={`/canvas/${run.chatflowId}`}>{chatflowName ?? run.chatflowId}</Link>
              )}
            </dd>
            <dt>Session</dt>
            <dd>{run.sessionId}</dd>
            <dt>Chat</dt>
            <dd>{run.chatId}</dd>
            <dt>Attempts</dt>
            <dd>{run.attempt > 1 ? `${run.attempt} (restarted by another worker)` : run.attempt}</dd>
            <dt>Created</dt>
            <dd>{when(run.createdDate)}</dd>
            <dt>Started</dt>
            <dd>{when(run.startedDate)}</dd>
            <dt>Finished</dt>
            <dd>{when(run.finishedDate)}</dd>
            <dt>Queue wait</dt>
            <dd>{formatDuration(run.queueWaitMs)}</dd>
            <dt>Run time</dt>
            <dd>{formatDuration(run.runTimeMs)}</dd>
          </dl>
          <h2>Question</h2>
          <p className="run-text">{run.question ?? '—'}</p>
          <h2>Answer</h2>
          <p className="run-text">{answerOf(run) ?? (active ? 'Not answered yet' : '—')}</p>
          {run.error && (
            <section className="run-error" aria-label="Error">
              <h2>Error</h2>
              <p className="error">{run.error}</p>
              <p className="hint">
                {run.errorCode && <>Code <code>{run.errorCode}</code></>}
                {run.errorNodeId && <> · node <code>{run.errorNodeId}</code></>}
              </p>
            </section>
          )}
          <h2>Node trace</h2>
          {active ? (
            <>
              <p className="hint" role="note">
                Live: a streamed run shows each node as it starts; the full trace (times, tool calls, errors) is kept when the run ends.
              </p>
              <TraceTable trace={liveTrace} emptyText="No node has reported yet. The trace appears when the run ends (a streamed run shows each node as it starts)." />
            </>
          ) : (
            <TraceTable trace={run.trace} />
          )}
        </>
      )}
    </section>
  );
}
