import { Fragment } from 'react';
import type { FlowDiff, NodeRef } from '../flow/version-diff';

const MAX_SHOWN = 400;
const clip = (value: string | undefined) => (value === undefined ? '' : value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
const nodeName = (node: NodeRef) => `${node.label} (${node.id})`;

function NodeList({ title, kind, nodes }: { title: string; kind: 'added' | 'removed'; nodes: NodeRef[] }) {
  if (nodes.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul>
        {nodes.map((node) => (
          <li key={node.id} className={kind}>
            {nodeName(node)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A comparison of a version with the last saved flow: nodes added and removed, and per changed node its
 * params old → new. `unsaved`: the canvas has edits the comparison leaves out, and it says so.
 */
export function VersionDiff({ n, diff, unsaved }: { n: number; diff: FlowDiff; unsaved: boolean }) {
  const same = diff.added.length + diff.removed.length + diff.changed.length === 0;
  return (
    <div className="version-diff">
      <p className="hint">From version {n} to the last saved flow (positions are not compared).</p>
      {unsaved && (
        <p className="hint" role="note">
          Your unsaved changes on the canvas are not included: save them to compare them.
        </p>
      )}
      {same && <p>No differences: version {n} has the same nodes and params as the last saved flow.</p>}
      <NodeList title="Nodes added" kind="added" nodes={diff.added} />
      <NodeList title="Nodes removed" kind="removed" nodes={diff.removed} />
      {diff.changed.length > 0 && (
        <section aria-label="Nodes changed">
          <h3>Nodes changed</h3>
          {diff.changed.map((node) => (
            <Fragment key={node.id}>
              <h4>{nodeName(node)}</h4>
              <table aria-label={`Changes of ${node.label}`}>
                <thead>
                  <tr>
                    <th scope="col">Param</th>
                    <th scope="col">Change</th>
                    <th scope="col">Version {n}</th>
                    <th scope="col">Current</th>
                  </tr>
                </thead>
                <tbody>
                  {node.params.map((change) => (
                    <tr key={change.param}>
                      <td>{change.param}</td>
                      <td className={change.kind === 'changed' ? undefined : change.kind}>{change.kind}</td>
                      <td className="value">{clip(change.before)}</td>
                      <td className="value">{clip(change.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Fragment>
          ))}
        </section>
      )}
    </div>
  );
}
