import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import type { Chatflow } from '../api/types';
import { type Version, type VersionSummary, getVersion, listVersions, restoreVersion } from '../api/versions';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { type FlowDiff, diffFlows } from '../flow/version-diff';
import { VersionDiff } from './VersionDiff';
import './versions.css';

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * The chatflow's versions, newest first (the first is the current flow): view one read-only on the
 * canvas, compare it with the last saved flow (not the canvas's unsaved edits), or restore it (a new save; the current flow stays a version).
 */
export function VersionsPanel({
  chatflow,
  viewing,
  unsaved,
  onView,
  onRestored,
  onClose,
}: {
  chatflow: Chatflow;
  viewing: number | undefined;
  unsaved: boolean;
  onView: (version: Version) => void;
  onRestored: (chatflow: Chatflow) => void;
  onClose: () => void;
}) {
  const [versions, setVersions] = useState<VersionSummary[]>();
  const [error, setError] = useState('');
  const [compare, setCompare] = useState<{ n: number; diff: FlowDiff }>();
  const [restoring, setRestoring] = useState<number>();

  const refresh = useCallback(() => {
    listVersions(chatflow.id).then(setVersions, (e: Error) => setError(e.message));
  }, [chatflow.id]);
  // Again after every save (the chatflow's version counter changes).
  useEffect(refresh, [refresh, chatflow.version]);

  const open = async (n: number, then: (version: Version) => void) => {
    setError('');
    try {
      then(await getVersion(chatflow.id, n));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const restore = async (n: number) => {
    setRestoring(undefined);
    setError('');
    try {
      onRestored(await restoreVersion(chatflow.id, n, chatflow.version));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? `${e.message}. Reload the flow, then restore again.` : (e as Error).message);
      refresh();
    }
  };

  return (
    <aside className="versions-panel" aria-label="Versions">
      <header>
        <h2>Versions</h2>
        <button type="button" className="icon" aria-label="Close versions" onClick={onClose}>
          ×
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="versions-list">
        {versions === undefined && !error && <p className="hint">Loading…</p>}
        {versions && (
          <table aria-label="Saved versions">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Saved</th>
                <th scope="col">Message</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.n} className={v.n === viewing ? 'viewing' : undefined} aria-label={`Version ${v.n}`}>
                  <td>
                    {v.n}
                    {v.current && <span className="version-current">current</span>}
                  </td>
                  <td>
                    {v.savedBy ?? 'unknown'}
                    <br />
                    <time dateTime={v.savedDate}>{when(v.savedDate)}</time>
                  </td>
                  <td className="version-message">{v.message ?? ''}</td>
                  <td>
                    <div className="version-actions">
                      <button type="button" onClick={() => void open(v.n, onView)}>
                        View
                      </button>
                      {!v.current && (
                        <>
                          <button type="button" onClick={() => void open(v.n, (version) => setCompare({ n: v.n, diff: diffFlows(version.flowData, chatflow.flowData) }))}>
                            Compare
                          </button>
                          <button type="button" onClick={() => setRestoring(v.n)}>
                            Restore
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Dialog title={compare ? `Version ${compare.n} compared with the last saved flow` : 'Compare'} open={compare !== undefined} onClose={() => setCompare(undefined)} wide>
        {compare && <VersionDiff n={compare.n} diff={compare.diff} unsaved={unsaved} />}
      </Dialog>
      <ConfirmDialog
        title={`Restore version ${restoring ?? ''}?`}
        message={`Version ${restoring ?? ''} becomes the current flow as a new save; the current flow stays in the list as a version.${unsaved ? ' Your unsaved changes on the canvas are replaced.' : ''}`}
        confirm="Restore"
        open={restoring !== undefined}
        onClose={() => setRestoring(undefined)}
        onConfirm={() => void restore(restoring!)}
      />
    </aside>
  );
}
