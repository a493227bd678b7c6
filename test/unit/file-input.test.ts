import { describe, expect, it } from 'vitest';
import { parseFileInput } from '../../src/engine/files/file-store.js';

describe('parseFileInput (Flowise file inputs)', () => {
  it('reads one data URI with its file name', () => {
    const value = `data:text/plain;base64,${Buffer.from('hello').toString('base64')},filename:hello.txt`;
    const { inline, stored } = parseFileInput(value, 'textFile_0');
    expect(stored).toEqual([]);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toMatchObject({ name: 'hello.txt', mime: 'text/plain' });
    expect(inline[0]!.data.toString()).toBe('hello');
  });

  it('reads a JSON array of data URIs', () => {
    const uri = (name: string, text: string) => `data:text/plain;base64,${Buffer.from(text).toString('base64')},filename:${name}`;
    const { inline } = parseFileInput(JSON.stringify([uri('a.txt', 'A'), uri('b.txt', 'B')]), 'n');
    expect(inline.map((f) => [f.name, f.data.toString()])).toEqual([
      ['a.txt', 'A'],
      ['b.txt', 'B'],
    ]);
  });

  it('reads FILE-STORAGE names', () => {
    expect(parseFileInput('FILE-STORAGE::["a.pdf","b.txt"]', 'n')).toEqual({ inline: [], stored: ['a.pdf', 'b.txt'] });
    // One bare name, as Flowise's loaders also take it.
    expect(parseFileInput('FILE-STORAGE::handbook.txt', 'n')).toEqual({ inline: [], stored: ['handbook.txt'] });
  });

  it('gives nothing for an empty input and names the node for a malformed one', () => {
    expect(parseFileInput('', 'n')).toEqual({ inline: [], stored: [] });
    expect(() => parseFileInput('FILE-STORAGE::["nope"', 'pdfFile_0')).toThrow(/pdfFile_0.*file name or a JSON array/);
    expect(() => parseFileInput('FILE-STORAGE::', 'pdfFile_0')).toThrow(/pdfFile_0/);
    expect(() => parseFileInput('not a uri', 'textFile_1')).toThrow(/textFile_1.*data URI/);
  });
});
