import { describe, expect, it } from 'vitest';
import { diffFlows } from '../../ui/src/flow/version-diff.js';

const node = (id: string, data: Record<string, unknown>, position = { x: 0, y: 0 }) => ({ id, position, type: 'customNode', data: { id, name: 'chatOpenAI', label: 'ChatOpenAI', ...data } });
const flow = (...nodes: unknown[]) => JSON.stringify({ nodes, edges: [] });

/** The canvas's "Compare" (issue 8 item 1): what changed between a version and the current flow. */
describe('version diff', () => {
  it('names params added, removed and changed, with old and new values; positions do not count', () => {
    const before = flow(node('a', { inputs: { modelName: 'gpt-4o', temperature: 0.9, stop: 'x' }, credential: 'c1' }, { x: 0, y: 0 }));
    const after = flow(node('a', { label: 'Fast model', inputs: { modelName: 'gpt-4o-mini', temperature: 0.9, topP: 1 }, credential: 'c2' }, { x: 500, y: 90 }));
    expect(diffFlows(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [
        {
          id: 'a',
          label: 'Fast model',
          name: 'chatOpenAI',
          params: [
            { param: 'label', kind: 'changed', before: 'ChatOpenAI', after: 'Fast model' },
            { param: 'credential', kind: 'changed', before: 'c1', after: 'c2' },
            { param: 'modelName', kind: 'changed', before: 'gpt-4o', after: 'gpt-4o-mini' },
            { param: 'stop', kind: 'removed', before: 'x' },
            { param: 'topP', kind: 'added', after: '1' },
          ],
        },
      ],
    });
    expect(diffFlows(before, flow(node('a', { inputs: { modelName: 'gpt-4o', temperature: 0.9, stop: 'x' }, credential: 'c1' }, { x: 9, y: 9 })))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('lists nodes added and removed by id, and treats an unreadable flow as empty', () => {
    const diff = diffFlows(flow(node('old_0', {})), flow(node('new_0', { label: 'New one' })));
    expect(diff.added).toEqual([{ id: 'new_0', label: 'New one', name: 'chatOpenAI' }]);
    expect(diff.removed).toEqual([{ id: 'old_0', label: 'ChatOpenAI', name: 'chatOpenAI' }]);
    expect(diffFlows('not json', flow(node('n', {}))).added.map((n) => n.id)).toEqual(['n']);
  });
});
