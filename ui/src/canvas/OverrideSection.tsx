import type { ChatflowSettings, OverridableNode } from '../api/chatflow-config';

type Override = ChatflowSettings['override'];

const toggled = (list: string[], name: string, on: boolean) => (on ? [...new Set([...list, name])] : list.filter((n) => n !== name));

/**
 * Which node inputs and variables an API caller may set through `overrideConfig`: one group per node
 * label, one checkbox per input; anything not ticked is ignored by the server.
 */
export function OverrideSection({ value, onChange, nodes, variables }: { value: Override; onChange: (next: Override) => void; nodes: OverridableNode[]; variables: Array<{ name: string }> }) {
  return (
    <fieldset className="config-section">
      <legend>Override configuration</legend>
      <label className="inline">
        <input type="checkbox" checked={value.status} onChange={(e) => onChange({ ...value, status: e.target.checked })} />
        Let API callers override the ticked node inputs and variables (overrideConfig)
      </label>
      {value.status && (
        <>
          {nodes.length === 0 && <p className="hint">This chatflow has no node with inputs to override (save the flow first).</p>}
          {nodes.map((node) => (
            <fieldset key={node.label} className="override-node">
              <legend>{node.label}</legend>
              {node.inputs.map((input) => (
                <label key={input.name} className="inline">
                  <input
                    type="checkbox"
                    checked={value.nodes[node.label]?.includes(input.name) ?? false}
                    onChange={(e) => onChange({ ...value, nodes: { ...value.nodes, [node.label]: toggled(value.nodes[node.label] ?? [], input.name, e.target.checked) } })}
                  />
                  {input.label} <code>{input.name}</code>
                </label>
              ))}
            </fieldset>
          ))}
          <fieldset className="override-node">
            <legend>Variables</legend>
            {variables.length === 0 && <p className="hint">No variables defined.</p>}
            {variables.map((v) => (
              <label key={v.name} className="inline">
                <input type="checkbox" checked={value.variables.includes(v.name)} onChange={(e) => onChange({ ...value, variables: toggled(value.variables, v.name, e.target.checked) })} />
                {v.name}
              </label>
            ))}
          </fieldset>
        </>
      )}
    </fieldset>
  );
}
