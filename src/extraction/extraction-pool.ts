import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type DocumentExtractor, type ExtractRequest, type PdfResult, type TextLimits, extractionError } from '../engine/files/document-extractor.js';
import { AppError } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { ExtractReply, ExtractTask } from './extract-worker.js';

/** Heap of one extraction thread: a parse that needs more fails with 413 instead of taking the process down. */
const WORKER_HEAP_MB = 768;
/** Threads stay this long after their last parse (then they exit, so an idle process holds none). */
const IDLE_MS = 60000;

/**
 * Where the worker's code is: the compiled .js beside this file, or (tests, `npm run dev`) the .ts
 * through tsx, started by a small module written to the temporary directory (piscina loads its
 * workers from file paths).
 */
function workerEntry(): string {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return fileURLToPath(new URL('./extract-worker.js', self));
  const entry = new URL('./extract-worker.ts', self).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)};\nregister();\nconst m = await import(${JSON.stringify(entry)});\nexport default m.default;\n`;
  const file = join(tmpdir(), `aimicromind-extract-worker-${createHash('sha256').update(boot).digest('hex').slice(0, 16)}.mjs`);
  // Written aside, then renamed over: processes starting together share this path, and a thread loading
  // it while another process rewrote it in place found it empty ("No handler function exported").
  const written = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(written, boot);
  renameSync(written, file);
  return file;
}

/**
 * PDF and DOCX parsing on worker threads (piscina), so a large or hostile file costs a thread, never
 * the event loop that answers requests: at most `threads` parses run at once (the rest wait their
 * turn), each with a capped heap; an aborted parse terminates its thread. Text limits as configured.
 */
export class ExtractionPool implements DocumentExtractor {
  private readonly pool: Piscina<ExtractTask, ExtractReply>;
  private closed = false;

  constructor(
    readonly limits: TextLimits,
    private readonly logger?: Logger,
    threads = Math.max(1, Math.min(2, availableParallelism())),
  ) {
    this.pool = new Piscina<ExtractTask, ExtractReply>({
      filename: workerEntry(),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_MS,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      // Workers see no secrets.
      env: {},
    });
  }

  async pdf(file: ExtractRequest, signal?: AbortSignal): Promise<PdfResult> {
    return (await this.run('pdf', file, signal)) as PdfResult;
  }

  async docx(file: ExtractRequest, signal?: AbortSignal): Promise<string> {
    return (await this.run('docx', file, signal)) as string;
  }

  private async run(kind: ExtractTask['kind'], file: ExtractRequest, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) throw new AppError('SHUTTING_DOWN', 503, 'The process is shutting down');
    signal?.throwIfAborted();
    let reply: ExtractReply;
    try {
      reply = await this.pool.run({ kind, name: file.name, data: file.data, maxChars: this.limits.maxFileChars }, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const code = (error as { code?: unknown })?.code;
      this.logger?.warn({ file: file.name, code, reason: (error as Error)?.message }, 'extraction thread failed');
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new AppError('UPLOAD_TOO_LARGE', 413, `${file.name} needs more than ${WORKER_HEAP_MB} MB of memory to read; it cannot be extracted`);
      }
      throw extractionError(error, file.name);
    }
    if (!reply.ok) throw reply.reason === 'too-large' ? new AppError('UPLOAD_TOO_LARGE', 413, reply.message) : new AppError('INVALID_UPLOAD', 400, reply.message);
    return reply.value;
  }

  /** Stops the threads (parses in flight fail). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
