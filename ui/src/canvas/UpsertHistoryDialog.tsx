import { Fragment, useCallback, useEffect, useState } from 'react';
import { type UpsertFlowEntry, type UpsertHistoryEntry, upsertHistory } from '../api/upsert-history';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ListParts';
import './upsert-history.css';

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The nodes an upsert built, with the params it ran with (files by name only, as the server keeps them). */
function FlowSummary({ nodes }: { nodes: UpsertFlowEntry[] }) {
  return (
    <ul className="upsert-nodes">
      {nodes.map((node) => (
        <li key={node.id}>
          <strong>{node.label}</strong> <span className="hint">{node.category}</span>
          {node.paramValues.length > 0 && (
            <dl>
              {node.paramValues.map((p) => (
                <div key={p.name}>
                  <dt>{p.label}</dt>
                  <dd title={shown(p.value)}>{shown(p.value)}</dd>
                </div>
              ))}
            </dl>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * A chatflow's upsert history (`GET /api/v1/upsert-history/:id`): when, the counts, the nodes and
 * params of each upsert; filtered by date range, and entries deleted (`PATCH /api/v1/upsert-history`).
 */
export function UpsertHistoryDialog({ chatflowId, open, onClose }: { chatflowId: string; open: boolean; onClose: () => void }) {
  const [entries, setEntries] = useState<UpsertHistoryEntry[]>();
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<string>();
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    setError('');
    try {
      setEntries(await upsertHistory.list(chatflowId, { startDate, endDate }));
      setSelected(new Set());
      setExpanded(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [chatflowId, startDate, endDate]);
  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  async function remove() {
    setError('');
    try {
      await upsertHistory.remove([...selected]);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  return (
    <Dialog title="Upsert history" open={open} onClose={onClose} wide>
      <div className="history-filter">
        <label>
          From
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </label>
        <span className="spacer" />
        <button type="button" className="danger" disabled={selected.size === 0} onClick={() => void remove()}>
          Delete selected
        </button>
      </div>
      <ErrorText error={error} />
      {entries === undefined ? (
        <p>Loading…</p>
      ) : entries.length === 0 ? (
        <p className="empty">No upserts {startDate || endDate ? 'in these dates' : 'yet'}: upsert through the API (POST /api/v1/vector/upsert/:id) and they are listed here.</p>
      ) : (
        <table className="list upsert-history">
          <thead>
            <tr>
              <th>
                <span className="sr-only">Select</span>
              </th>
              <th>Date</th>
              <th>Added</th>
              <th>Updated</th>
              <th>Skipped</th>
              <th>Deleted</th>
              <th>Nodes</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const when = new Date(entry.date).toLocaleString();
              const open = expanded === entry.id;
              return (
                <Fragment key={entry.id}>
                  <tr>
                    <td>
                      <input type="checkbox" aria-label={`Select the upsert of ${when}`} checked={selected.has(entry.id)} onChange={() => toggle(entry.id)} />
                    </td>
                    <td>{when}</td>
                    <td>{entry.result?.numAdded ?? 0}</td>
                    <td>{entry.result?.numUpdated ?? 0}</td>
                    <td>{entry.result?.numSkipped ?? 0}</td>
                    <td>{entry.result?.numDeleted ?? 0}</td>
                    <td>
                      {(entry.flowData ?? []).map((n) => n.label).join(', ')}{' '}
                      <button type="button" className="link" aria-expanded={open} aria-label={`Params of the upsert of ${when}`} onClick={() => setExpanded(open ? undefined : entry.id)}>
                        {open ? 'Hide params' : 'Params'}
                      </button>
                    </td>
                  </tr>
                  {open && (
                    <tr>
                      <td colSpan={7}>
                        <FlowSummary nodes={entry.flowData ?? []} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
