import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { type QueueStatus, type QueueView, fetchQueueStatus } from '../api/queue';
import { useSession } from '../auth/session-store';
import { ErrorText } from '../components/ListParts';
import { useTitle } from '../components/use-title';

/** How often the page asks the server again (a poll per interval; no push channel to keep open). */
export const QUEUE_POLL_MS = 2000;

const QUEUE_LABEL: Record<QueueView['kind'], string> = { prediction: 'Predictions', upsertion: 'Upsertions' };
const COUNTS = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '–');

/**
 * Queue mode at a glance, updated every QUEUE_POLL_MS: job counts of the prediction and upsertion queues,
 * the workers connected to them, and the jobs they run now (a job whose worker is no longer connected is marked:
 * BullMQ moves it back to waiting only when its lock expires). The raw jobs are on bull-board (/admin/queues).
 */
export function QueuePage() {
  useTitle('Queue');
  const dashboard = useSession((s) => s.status?.queueDashboard);
  const [status, setStatus] = useState<QueueStatus>();
  const [error, setError] = useState('');

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        setStatus(await fetchQueueStatus(abort.signal));
        setError('');
      } catch (e) {
        if (abort.signal.aborted) return;
        setError((e as Error).message);
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void poll(), QUEUE_POLL_MS);
    };
    void poll();
    return () => (abort.abort(), clearTimeout(timer));
  }, []);

  const queues = status?.mode === 'queue' ? status.queues : [];
  return (
    <section>
      <div className="page-head">
        <h1>Queue</h1>
        {status?.mode === 'queue' && <span className="hint">Updated {time(status.readAt)} (every {QUEUE_POLL_MS / 1000} s)</span>}
        <span className="spacer" />
        {dashboard && (
          <a href="/admin/queues" target="_blank" rel="noreferrer">
            Job dashboard (/admin/queues)
          </a>
        )}
      </div>
      <ErrorText error={error} />
      {status === undefined && !error && <p>Loading…</p>}
      {status?.mode === 'main' && <p className="empty">{status.message}</p>}
      {queues.length > 0 && (
        <>
          <table className="list" aria-label="Job counts">
            <thead>
              <tr>
                <th>Queue</th>
                {COUNTS.map((c) => (
                  <th key={c}>{c[0]!.toUpperCase() + c.slice(1)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.kind}>
                  <th scope="row">{QUEUE_LABEL[q.kind]}</th>
                  {COUNTS.map((c) => (
                    <td key={c} data-count={c}>
                      {q.counts[c]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>

          <h2 className="section-title">Workers</h2>
          {queues.every((q) => q.workers.length === 0) ? (
            <p className="empty">No worker is connected: jobs wait until one starts (`aimicromind worker`).</p>
          ) : (
            <table className="list" aria-label="Workers">
              <thead>
                <tr>
                  <th>Worker</th>
                  <th>Queue</th>
                  <th>Address</th>
                  <th>Connected since</th>
                  <th>Idle</th>
                </tr>
              </thead>
              <tbody>
                {queues.flatMap((q) =>
                  q.workers.map((w) => (
                    <tr key={`${q.kind}-${w.address}`}>
                      <td>{w.name || '(unnamed)'}</td>
                      <td>{QUEUE_LABEL[q.kind]}</td>
                      <td>{w.address}</td>
                      <td>{new Date(w.connectedSince).toLocaleString()}</td>
                      <td>{w.idleSeconds} s</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}

          <h2 className="section-title">Running now</h2>
          {queues.every((q) => q.active.length === 0) ? (
            <p className="empty">Nothing is running.</p>
          ) : (
            <table className="list" aria-label="Running now">
              <thead>
                <tr>
                  <th>Queue</th>
                  <th>Run or upsert</th>
                  <th>Chatflow</th>
                  <th>Started</th>
                  <th>Worker</th>
                  <th>Attempt</th>
                </tr>
              </thead>
              <tbody>
                {queues.flatMap((q) =>
                  q.active.map((job) => (
                    <tr key={`${q.kind}-${job.id}`}>
                      <td>{QUEUE_LABEL[q.kind]}</td>
                      <td>
                        <code>{job.id}</code>
                      </td>
                      <td>
                        {job.chatflowId ? (
                          <Link href={`/canvas/${job.chatflowId}`}>{job.chatflowName ?? job.chatflowId}</Link>
                        ) : job.documentStoreId ? (
                          <Link href={`/document-stores/${job.documentStoreId}`}>Document store {job.documentStoreName ?? job.documentStoreId}</Link>
                        ) : (
                          '–'
                        )}
                      </td>
                      <td>{time(job.startedAt)}</td>
                      <td>
                        {job.worker ?? '–'}
                        {job.worker && !q.workers.some((w) => w.name === job.worker) && (
                          <span className="error">
                            {' '}
                            (worker gone: the job is retried on a connected worker once its lock expires)
                          </span>
                        )}
                      </td>
                      <td>{job.attempt}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
