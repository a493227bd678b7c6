import { FlowValidationError } from '../../errors.js';
import { asBoolean, asJsonObject, asString } from '../input-values.js';
import { noteEmptyFile } from '../../files/run-extraction.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, fileMetadata, loaderNode, readFileInput, readTextFile } from './loader-common.js';

/**
 * Flowise `csvFile` (v3): one document per row, `column: value` lines (papaparse with a header row),
 * or only the value of one column (`columnName`). Metadata: source, blobType and the row's `line`.
 */
export const csvFile = loaderNode({
  name: 'csvFile',
  label: 'Csv File',
  version: 3,
  description: 'Reads CSV files, one document per row.',
  icon: 'csv-file',
  inputs: [
    { name: 'csvFile', kind: 'param', type: 'file', label: 'Csv File', fileType: '.csv', description: 'Accepted: .csv' },
    TEXT_SPLITTER_INPUT,
    {
      name: 'columnName',
      kind: 'param',
      type: 'string',
      label: 'Single Column Extraction',
      optional: true,
      placeholder: 'Enter column name',
      description: 'Take only this column of each row as the text',
    },
  ],
  async load(ctx) {
    const files = await readFileInput(ctx, 'csvFile');
    const { default: Papa } = await import('papaparse');
    const column = asString(ctx.inputs.columnName)?.trim();
    const docs: FlowDocument[] = [];
    for (const file of files) {
      const parsed = Papa.parse<Record<string, string | undefined>>(readTextFile(ctx, file).replace(/^\uFEFF/, '').trim(), { header: true });
      const fields = parsed.meta.fields ?? [];
      if (column && !fields.includes(column)) {
        throw new FlowValidationError(`Node ${ctx.nodeId}: column "${column}" not found in ${file.name}`, ctx.nodeId);
      }
      const rows = parsed.data.map((row) =>
        column ? (row[column] ?? '') : fields.map((key) => `${key.trim() || '_0'}: ${row[key]?.trim()}`).join('\n'),
      );
      if (rows.length === 0 && fields.length > 0) noteEmptyFile(ctx.run, `${file.name} has a header row but no rows`);
      rows.forEach((pageContent, i) =>
        docs.push({ pageContent, metadata: rows.length === 1 ? fileMetadata(file) : { ...fileMetadata(file), line: i + 1 } }),
      );
    }
    return docs;
  },
});

/** RFC 6901 pointer lookup (`/a/0/b`, with `~1` and `~0` escapes). */
function pointerGet(value: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return value;
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every string under `value` (LangChain's JSONLoader without pointers). */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

function keyValueText(object: Record<string, unknown>, prefix = ''): string {
  return Object.entries(object)
    .map(([key, value]) => {
      const full = prefix ? `${prefix}.${key}` : key;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return keyValueText(value as Record<string, unknown>, full);
      return `${full}: ${Array.isArray(value) ? JSON.stringify(value) : String(value)}`;
    })
    .join('\n');
}

/**
 * Flowise `jsonFile` (v3.1): the strings of each JSON item (all of them, or those under the given
 * pointers), or with `separateByObject` one `key: value` document per object of a JSON array. Additional
 * Metadata values starting with `/` are pointers read from each item; the rest are constants.
 */
export const jsonFile = loaderNode({
  name: 'jsonFile',
  label: 'Json File',
  version: 3.1,
  description: 'Reads JSON files: their strings, the values under chosen keys, or one document per object.',
  icon: 'json-file',
  keepExtraMetadata: (_key, value) => !(typeof value === 'string' && value.startsWith('/')),
  inputs: [
    { name: 'jsonFile', kind: 'param', type: 'file', label: 'Json File', fileType: '.json', description: 'Accepted: .json' },
    TEXT_SPLITTER_INPUT,
    {
      name: 'separateByObject',
      kind: 'param',
      type: 'boolean',
      label: 'Separate by JSON Object (JSON Array)',
      optional: true,
      additionalParams: true,
      description: 'For a JSON array, make each object one document',
    },
    {
      name: 'pointersName',
      kind: 'param',
      type: 'string',
      label: 'Pointers Extraction (separated by commas)',
      optional: true,
      placeholder: 'key1, key2',
      description: 'Take only the strings under these keys',
    },
  ],
  async load(ctx) {
    const files = await readFileInput(ctx, 'jsonFile');
    const separate = asBoolean(ctx.inputs.separateByObject) === true;
    const pointerText = asString(ctx.inputs.pointersName);
    const pointers = pointerText
      ? pointerText
          .replace(/[^a-zA-Z0-9,]+/g, ',')
          .split(',')
          .filter(Boolean)
          .map((p) => `/${p.trim()}`)
      : [];
    let mapping: Record<string, unknown> = {};
    try {
      mapping = asJsonObject(ctx.inputs.metadata, 'Additional Metadata') ?? {};
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId}: ${(error as Error).message}`, ctx.nodeId);
    }
    const pointerMeta = Object.entries(mapping).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].startsWith('/'));
    const docs: FlowDocument[] = [];
    for (const file of files) {
      let json: unknown;
      try {
        json = JSON.parse(readTextFile(ctx, file).replace(/^\uFEFF/, '').trim());
      } catch {
        throw new FlowValidationError(`Node ${ctx.nodeId}: ${file.name} is not valid JSON`, ctx.nodeId);
      }
      const parsed: FlowDocument[] = [];
      for (const item of Array.isArray(json) ? json : [json]) {
        const metadata = Object.fromEntries(pointerMeta.map(([key, pointer]) => [key, pointerGet(item, pointer)]));
        if (separate) {
          if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
            parsed.push({ pageContent: keyValueText(item as Record<string, unknown>), metadata });
          }
          continue;
        }
        const texts = pointers.length > 0 ? pointers.flatMap((p) => allStrings(pointerGet(item, p))) : allStrings(item);
        for (const pageContent of texts) parsed.push({ pageContent, metadata });
      }
      if (parsed.every((doc) => doc.pageContent === '')) {
        const shape = json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json === 'object' ? 'an object' : `the ${typeof json} ${JSON.stringify(json).slice(0, 40)}`;
        noteEmptyFile(ctx.run, `${file.name} holds no text to load (its JSON is ${shape}${pointers.length > 0 || separate ? ' without strings where the loader looks' : ' without any string'})`);
      }
      parsed.forEach((doc, i) =>
        docs.push({ pageContent: doc.pageContent, metadata: { ...fileMetadata(file), ...(parsed.length > 1 ? { line: i + 1 } : {}), ...doc.metadata } }),
      );
    }
    return docs;
  },
});
