import { FILE_STORAGE_PREFIX, storedFileNames } from './file-store.js';

/**
 * The loader input a file feeds, by extension, as Flowise maps uploaded files onto loader inputs
 * (`mapExtToInputField`): `.txt` → `txtFile`, `.pdf` → `pdfFile`, `.json` → `jsonFile`,
 * `.csv`/`.xls`/`.xlsx` → `csvFile`, `.jsonl` → `jsonlinesFile`, `.doc`/`.docx` → `docxFile`,
 * `.yaml` → `yamlFile`, anything else → `txtFile`. (Flowise also looks at the MIME type, but that
 * branch assigns the extension's answer again, so the extension alone decides.)
 */
export function loaderFieldForFile(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot).toLowerCase();
  switch (ext) {
    case '.pdf':
      return 'pdfFile';
    case '.json':
      return 'jsonFile';
    case '.csv':
    case '.xls':
    case '.xlsx':
      return 'csvFile';
    case '.jsonl':
      return 'jsonlinesFile';
    case '.doc':
    case '.docx':
      return 'docxFile';
    case '.yaml':
      return 'yamlFile';
    default:
      return 'txtFile';
  }
}

/**
 * Flowise's override for stored files: each file's name is added to `FILE-STORAGE::[…]` under its
 * loader field, after any names the field already holds. Returns a new object.
 */
export function addFileStorageOverrides(overrideConfig: Record<string, unknown>, fileNames: string[]): Record<string, unknown> {
  const result = { ...overrideConfig };
  for (const name of fileNames) {
    const field = loaderFieldForFile(name);
    const existing = result[field];
    const names = (typeof existing === 'string' && storedFileNames(existing)) || [];
    if (!names.includes(name)) names.push(name);
    result[field] = `${FILE_STORAGE_PREFIX}${JSON.stringify(names)}`;
  }
  return result;
}
