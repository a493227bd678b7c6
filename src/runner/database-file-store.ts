import { FlowValidationError } from '../engine/errors.js';
import type { FileScope, FileStore, StoredFile } from '../engine/files/file-store.js';
import type { UploadRepository } from '../storage/repositories/upload-repository.js';

/**
 * The engine's FileStore over the `upload` table: every process that reaches the database (the server,
 * a worker on another machine) reads the same bytes, never a file on the server's disk.
 */
export class DatabaseFileStore implements FileStore {
  constructor(private readonly uploads: UploadRepository) {}

  async load(scope: FileScope, names: string[]): Promise<StoredFile[]> {
    const found = await this.uploads.find(scope, names);
    return names.map((name) => {
      const file = found.get(name);
      if (!file) {
        const where = scope.chatId ? `chat ${scope.chatId} of ${scope.chatflowId}` : scope.chatflowId;
        throw new FlowValidationError(`Uploaded file "${name}" not found (looked in the uploads of ${where})`);
      }
      return { name: file.name, mime: file.mime, data: file.data };
    });
  }
}
