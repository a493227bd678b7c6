/**
 * A large chatflow as an imported Flowise file looks: `triples` groups of chat model → prompt → LLM chain
 * (the editor rebuilds anchors from the catalogue on load), laid out on a grid, plus sticky notes.
 */
export function bigFlow(nodeCount: number): { nodes: unknown[]; edges: unknown[] } {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  const node = (id: string, name: string, x: number, y: number, inputs: Record<string, unknown>, type = 'customNode') =>
    nodes.push({ id, type, position: { x, y }, data: { id, name, label: name, inputs, outputs: name === 'llmChain' ? { output: 'llmChain' } : {} } });
  const triples = Math.floor(nodeCount / 3);
  for (let i = 0; i < triples; i += 1) {
    const x = (i % 6) * 1200;
    const y = Math.floor(i / 6) * 900;
    node(`chatOpenAI_${i}`, 'chatOpenAI', x, y, { modelName: 'gpt-4o-mini', temperature: 0.9 });
    node(`promptTemplate_${i}`, 'promptTemplate', x, y + 500, { template: 'Answer: {question}' });
    node(`llmChain_${i}`, 'llmChain', x + 400, y + 200, { model: `{{chatOpenAI_${i}.data.instance}}`, prompt: `{{promptTemplate_${i}.data.instance}}` });
    edges.push(
      { id: `e-model-${i}`, source: `chatOpenAI_${i}`, target: `llmChain_${i}`, sourceHandle: `chatOpenAI_${i}-output-chatOpenAI-ChatOpenAI|BaseChatModel|BaseLanguageModel|Runnable`, targetHandle: `llmChain_${i}-input-model-BaseLanguageModel`, type: 'buttonedge' },
      { id: `e-prompt-${i}`, source: `promptTemplate_${i}`, target: `llmChain_${i}`, sourceHandle: `promptTemplate_${i}-output-promptTemplate-PromptTemplate|BaseStringPromptTemplate|BasePromptTemplate|Runnable`, targetHandle: `llmChain_${i}-input-prompt-BasePromptTemplate`, type: 'buttonedge' },
    );
  }
  const first = nodes.length;
  for (let i = first; i < nodeCount; i += 1) node(`stickyNote_${i - first}`, 'stickyNote', -400, (i - first) * 200, { note: `note ${i}` }, 'stickyNote');
  return { nodes, edges };
}
