import { useState } from 'react';
import { LARGE_FILE_BYTES, acceptAttribute, fileEntries, fileEntry, fileName, fileSize, fileValue } from '../../flow/file-value';
import type { NodeParam } from '../../flow/types';
import { ParamLabel } from './ParamLabel';

const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsDataURL(file);
  });

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * A `file` param: pick one or more files (the node's `fileType` filters the picker); each is stored in
 * flowData as Flowise's editor stores it (file-value.ts), listed by name with a remove button. Files
 * above LARGE_FILE_BYTES are flagged: every save and load of the chatflow carries them.
 */
export function FileParam({ param, value, onChange }: { param: NodeParam; value: unknown; onChange: (value: unknown) => void }) {
  const [error, setError] = useState('');
  const entries = fileEntries(value);
  const accept = acceptAttribute(param.fileType);

  async function add(files: FileList | null) {
    if (!files || files.length === 0) return;
    setError('');
    try {
      const added = await Promise.all([...files].map(async (file) => fileEntry(await readAsDataUrl(file), file.name)));
      onChange(fileValue([...entries.filter((e) => !e.startsWith('FILE-STORAGE::')), ...added]));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <div className="param param-file" title={param.description}>
      <label>
        <ParamLabel param={param} />
        <input className="nodrag" type="file" multiple {...(accept ? { accept } : {})} onChange={(e) => (void add(e.target.files), (e.target.value = ''))} />
      </label>
      {entries.length > 0 && (
        <ul className="file-list" aria-label={`${param.label} files`}>
          {entries.map((entry, index) => {
            const size = fileSize(entry);
            return (
              <li key={`${index}:${fileName(entry)}`}>
                <span className="file-name">{fileName(entry)}</span>
                {size > LARGE_FILE_BYTES && <span className="field-warning"> {megabytes(size)}: large files make the chatflow slow to save and load</span>}
                <button type="button" className="icon nodrag" aria-label={`Remove ${fileName(entry)}`} onClick={() => onChange(fileValue(entries.filter((_, i) => i !== index)))}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
