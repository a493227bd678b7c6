import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate } from '../../src/engine/prompts/template.js';

describe('prompt templates (Flowise brace rules)', () => {
  it('finds {variables} and renders them', () => {
    const t = parseTemplate('What is a good name for a company that makes {product}?');
    expect(t.variables).toEqual(['product']);
    expect(renderTemplate(t, { product: 'socks' })).toBe('What is a good name for a company that makes socks?');
  });

  it('keeps JSON-like groups, escaped and doubled braces literal', () => {
    const t = parseTemplate('Reply as { "answer": "..." } for {q}. Literal \\{x\\} and {{question}}.');
    expect(t.variables).toEqual(['q']);
    expect(renderTemplate(t, { q: 'this' })).toBe('Reply as { "answer": "..." } for this. Literal {x} and {question}.');
  });

  it('handles repeated, unclosed and empty braces', () => {
    const t = parseTemplate('{a} and {a} {b} { } {unclosed');
    expect(t.variables).toEqual(['a', 'b']);
    expect(renderTemplate(t, { a: 1, b: { x: 1 } })).toBe('1 and 1 {"x":1} { } {unclosed');
  });
});
