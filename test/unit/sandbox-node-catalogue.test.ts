import { describe, expect, it } from 'vitest';
import { SUPPORTED_NODES } from '../../src/engine/nodes/node-registry.js';

const node = (name: string) => SUPPORTED_NODES.find((n) => n.name === name)!;
const inputNames = (name: string) => node(name).inputs.map((i) => i.name);

describe('catalogue entries of customTool, requestsGet and requestsPost', () => {
  it("keep Flowise's data.name, version and input names, with labels, descriptions and icons", () => {
    expect(inputNames('customTool')).toEqual(['selectedTool', 'returnDirect', 'customToolName', 'customToolDesc', 'customToolSchema', 'customToolFunc']);
    expect(inputNames('requestsGet')).toEqual([
      'requestsGetUrl',
      'requestsGetName',
      'requestsGetDescription',
      'requestsGetHeaders',
      'requestsGetQueryParamsSchema',
      'requestsGetMaxOutputLength',
    ]);
    expect(inputNames('requestsPost')).toEqual([
      'requestsPostUrl',
      'requestsPostName',
      'requestsPostDescription',
      'requestsPostHeaders',
      'requestPostBody',
      'requestsPostBodySchema',
      'requestsPostMaxOutputLength',
    ]);
    for (const name of ['customTool', 'requestsGet', 'requestsPost']) {
      const entry = node(name);
      expect(entry).toMatchObject({ category: 'Tools', version: name === 'customTool' ? 3 : 2 });
      expect(entry.baseClasses).toContain('Tool');
      expect(entry.icon).toBeTruthy();
      expect(entry.description.length).toBeGreaterThan(20);
      for (const input of entry.inputs) expect(input.label, `${name}.${input.name}`).toBeTruthy();
    }
  });

  it('lists tools with the listTools load method, hides the override inputs, and marks text that takes {{…}}', () => {
    expect(node('customTool').inputs[0]).toMatchObject({ name: 'selectedTool', type: 'asyncOptions', loadMethod: 'listTools' });
    expect(node('customTool').inputs.filter((i) => i.hidden).map((i) => i.name)).toEqual(['customToolName', 'customToolDesc', 'customToolSchema', 'customToolFunc']);
    expect(node('requestsGet').inputs.filter((i) => i.acceptVariable).map((i) => i.name)).toEqual(['requestsGetUrl', 'requestsGetHeaders']);
    expect(node('requestsPost').inputs.filter((i) => i.acceptVariable).map((i) => i.name)).toEqual(['requestsPostUrl', 'requestsPostHeaders', 'requestPostBody']);
    expect(node('requestsGet').inputs.find((i) => i.name === 'requestsGetMaxOutputLength')).toMatchObject({ type: 'number', default: '2000' });
  });
});
