import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './child-process.js';
import { scaled } from './machine.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Child processes run the built CLI, as `npm start` does (`npm test` builds first). */
export const CLI = path.join(PROJECT_ROOT, 'dist/src/cli/main.js');

export interface SpawnedProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves when a line matching `pattern` has been printed (stdout or stderr); `timeoutMs` bounds a failure. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `aimicromind <command>` as a real process with the given environment. */
export function spawnCli(command: 'start' | 'worker', env: Record<string, string>, nodeArgs: string[] = []): SpawnedProcess {
  const child = spawn(process.execPath, [...nodeArgs, CLI, command], {
    cwd: env.DATABASE_PATH ?? PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of [...waiters]) {
      const line = output.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30000) {
      timeoutMs = scaled(timeoutMs);
      const existing = output.split('\n').find((l) => pattern.test(l));
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
        const exit = () => reject(new Error(`process exited before printing ${pattern}; output:\n${output}`));
        child.once('exit', exit);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            child.off('exit', exit);
            resolve(line);
          },
        });
      });
    },
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
}
