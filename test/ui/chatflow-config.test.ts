import { describe, expect, it } from 'vitest';
import { isOriginEntry, overridableNodes, readSettings, settingsProblems, writeSettings } from '../../ui/src/api/chatflow-config.js';
import type { CatalogueNode } from '../../ui/src/flow/types.js';

/** The Configuration dialog's model: Flowise's stored shapes in and out, and what it refuses. */
describe('chatflow configuration model', () => {
  const flowise = {
    chatbotConfig: JSON.stringify({ starterPrompts: { 0: { prompt: 'Hi' }, 1: { prompt: '' } }, leads: { status: true }, allowedOrigins: ['https://a.example'], chatFeedback: { status: true } }),
    // As Flowise's UI saves it: numbers as strings.
    apiConfig: JSON.stringify({ rateLimit: { status: true, limitMax: '5', limitDuration: '60', limitMsg: 'slow' }, overrideConfig: { status: true, nodes: { ChatOpenAI: [{ name: 'temperature', enabled: true }, { name: 'modelName', enabled: false }] }, variables: [{ name: 'tone', enabled: true }] }, postProcessing: { enabled: false } }),
    followUpPrompts: null,
  };

  it('reads a Flowise chatflow and writes it back, keeping the keys it does not edit', () => {
    const settings = readSettings(flowise);
    expect(settings).toMatchObject({
      starterPrompts: ['Hi'],
      chatFeedback: true,
      allowedOrigins: ['https://a.example'],
      rateLimit: { status: true, limitMax: '5', limitDuration: '60', limitMsg: 'slow' },
      override: { status: true, nodes: { ChatOpenAI: ['temperature'] }, variables: ['tone'] },
      followUp: { status: false },
    });
    const written = writeSettings(flowise, settings, [{ label: 'ChatOpenAI', inputs: [{ label: 'Temperature', name: 'temperature', type: 'number' }] }], [{ id: 'v1', name: 'tone', type: 'static' }]);
    const chatbot = JSON.parse(written.chatbotConfig!);
    const api = JSON.parse(written.apiConfig!);
    expect(chatbot).toMatchObject({ leads: { status: true }, starterPrompts: { 0: { prompt: 'Hi' } }, followUpPrompts: { status: false } });
    expect(api.postProcessing).toEqual({ enabled: false });
    expect(api.rateLimit).toEqual({ status: true, limitMax: 5, limitDuration: 60, limitMsg: 'slow' });
    expect(api.overrideConfig.nodes.ChatOpenAI).toEqual([{ label: 'Temperature', name: 'temperature', type: 'number', enabled: true }]);
    expect(api.overrideConfig.variables).toEqual([{ id: 'v1', name: 'tone', type: 'static', enabled: true }]);
  });

  it('accepts what the server reads as an origin or host, and refuses the rest', () => {
    for (const ok of ['*', 'https://a.example', 'http://a.example:8080/', 'a.example', 'a.example:8443', 'localhost']) expect(isOriginEntry(ok), ok).toBe(true);
    for (const bad of ['not a domain!', 'http://', 'a.example/path', 'https://']) expect(isOriginEntry(bad), bad).toBe(false);
  });

  it('names bad limits and follow-up fields', () => {
    const settings = readSettings({});
    settings.rateLimit = { status: true, limitMax: '1.5', limitDuration: '-1', limitMsg: '' };
    settings.followUp = { ...settings.followUp, status: true, modelName: '', baseUrl: 'ftp://x', temperature: 'hot' };
    expect(Object.keys(settingsProblems(settings)).sort()).toEqual(['followUpBaseUrl', 'followUpModel', 'followUpTemperature', 'limitDuration', 'limitMax']);
    settings.rateLimit.status = false;
    settings.followUp.status = false;
    expect(settingsProblems(settings)).toEqual({});
  });

  it('lists the params of the flow nodes by label, merging nodes that share one, never anchors or credentials', () => {
    const def = (name: string, inputs: Array<{ name: string; type: string }>) =>
      ({ name, label: name, inputs: inputs.map((i) => ({ ...i, label: i.name })) }) as unknown as CatalogueNode;
    const catalogue = new Map([
      ['chatOpenAI', def('chatOpenAI', [{ name: 'cache', type: 'BaseCache' }, { name: 'temperature', type: 'number' }, { name: 'credential', type: 'credential' }])],
      ['llmChain', def('llmChain', [{ name: 'model', type: 'BaseLanguageModel' }])],
    ]);
    const node = (id: string, name: string, label: string) => ({ id, type: 'customNode', data: { name, label } });
    const flow = JSON.stringify({ nodes: [node('a', 'chatOpenAI', 'Model'), node('b', 'chatOpenAI', 'Model'), node('c', 'llmChain', 'Chain'), node('d', 'unknownNode', 'X')], edges: [] });
    expect(overridableNodes(flow, catalogue)).toEqual([{ label: 'Model', inputs: [{ label: 'temperature', name: 'temperature', type: 'number' }] }]);
  });
});
