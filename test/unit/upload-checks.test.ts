import { describe, expect, it } from 'vitest';
import { addFileStorageOverrides, loaderFieldForFile } from '../../src/engine/files/file-fields.js';
import { UploadService } from '../../src/server/uploads/upload-service.js';
import { checkFileType } from '../../src/shared/file-types.js';
import type { UploadRepository } from '../../src/storage/repositories/upload-repository.js';

describe('checkFileType', () => {
  it('accepts a matching name and type, and takes a generic type from the extension', () => {
    expect(checkFileType('notes.txt', 'text/plain')).toMatchObject({ ok: true, type: { mime: 'text/plain', kind: 'text' } });
    expect(checkFileType('Report.PDF', 'application/octet-stream')).toMatchObject({ ok: true, type: { kind: 'pdf' } });
    expect(checkFileType('photo.jpeg', 'image/jpg')).toMatchObject({ ok: true, type: { mime: 'image/jpeg' } });
    expect(checkFileType('data.csv', 'application/vnd.ms-excel')).toMatchObject({ ok: true, type: { mime: 'text/csv' } });
  });

  it('refuses spoofed, unknown and extension-less files with the reason', () => {
    expect(checkFileType('evil.js', 'text/plain')).toEqual({ ok: false, reason: expect.stringMatching(/\.js does not match/) });
    expect(checkFileType('script.sh', 'application/x-sh')).toEqual({ ok: false, reason: expect.stringMatching(/unsupported type/) });
    expect(checkFileType('tool.exe', 'application/x-msdownload')).toEqual({ ok: false, reason: expect.stringMatching(/unsupported type/) });
    expect(checkFileType('tool.exe', 'application/octet-stream')).toEqual({ ok: false, reason: expect.stringMatching(/unsupported extension \.exe/) });
    expect(checkFileType('README', 'text/plain')).toEqual({ ok: false, reason: expect.stringMatching(/no file extension/) });
  });
});

describe('UploadService.check', () => {
  const service = new UploadService({} as UploadRepository, { maxFileBytes: 10, maxRequestBytes: 15, maxTextChars: 100, maxRequestTextChars: 200 });
  const file = (name: string, size: number, mime = 'text/plain') => ({ field: 'files', name, mime, data: Buffer.alloc(size, 97) });

  it('names the file that is too large, per file and per request', () => {
    expect(() => service.check([file('big.txt', 11)])).toThrow(/"big\.txt".*UPLOAD_MAX_FILE_SIZE/);
    expect(() => service.check([file('a.txt', 8), file('b.txt', 8)])).toThrow(/"b\.txt".*UPLOAD_MAX_REQUEST_SIZE/);
    try {
      service.check([file('big.txt', 11)]);
    } catch (error) {
      expect(error).toMatchObject({ status: 413, code: 'UPLOAD_TOO_LARGE' });
    }
  });

  it('refuses paths in names, other kinds and types outside an allow-list', () => {
    expect(() => service.check([file('../etc/passwd.txt', 1)])).toThrow(/path in its file name/);
    expect(() => service.check([file('a.txt', 1)], { kinds: ['image'], purpose: 'image uploads' })).toThrow(
      /"a\.txt".*not accepted for image uploads; accepted: \.png/,
    );
    expect(() => service.check([file('a.txt', 1)], { mimes: ['application/pdf'], purpose: 'full-file uploads' })).toThrow(
      /type text\/plain is not allowed for full-file uploads; allowed: application\/pdf/,
    );
    expect(service.check([file('a.md', 1, 'text/x-markdown')])[0]!.type.mime).toBe('text/markdown');
  });
});

describe('Flowise file fields', () => {
  it('maps extensions to loader inputs as Flowise does', () => {
    expect(['a.txt', 'b.pdf', 'c.json', 'd.xlsx', 'e.jsonl', 'f.docx', 'g.yaml', 'h.md'].map(loaderFieldForFile)).toEqual([
      'txtFile',
      'pdfFile',
      'jsonFile',
      'csvFile',
      'jsonlinesFile',
      'docxFile',
      'yamlFile',
      'txtFile',
    ]);
  });

  it('adds stored names to FILE-STORAGE overrides, after existing ones', () => {
    const result = addFileStorageOverrides({ pdfFile: 'FILE-STORAGE::["old.pdf"]', chunkSize: '100' }, ['new.pdf', 'notes.txt']);
    expect(result).toEqual({
      pdfFile: 'FILE-STORAGE::["old.pdf","new.pdf"]',
      txtFile: 'FILE-STORAGE::["notes.txt"]',
      chunkSize: '100',
    });
  });
});
