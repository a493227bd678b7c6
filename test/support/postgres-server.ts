import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stopChild } from './child-process.js';
import { freePort, waitForPort } from './free-port.js';
import { scaled } from './machine.js';

/** Debian keeps initdb and postgres in a versioned folder off the PATH. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL binaries not found: install the postgresql package');
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** initdb and postgres refuse to run as root; as root we run them as the `postgres` user. */
function command(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/**
 * A throwaway PostgreSQL cluster in a temp dir on a free loopback port, trust auth, tuned for tests
 * (no fsync). Stopped and deleted by `stop()`.
 */
export class PostgresServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PostgresServer> {
    const bin = postgresBinDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-pg-'));
    if (isRoot()) execFileSync('chown', ['postgres:postgres', dir]);
    const [initdb, initArgs] = command(path.join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    execFileSync(initdb, initArgs, { stdio: 'ignore' });
    const server = new PostgresServer(dir, await freePort());
    await server.resume();
    return server;
  }

  /** Starts (again) the postmaster on this data dir and port. */
  async resume(): Promise<void> {
    const [postgres, args] = command(path.join(postgresBinDir(), 'postgres'), [
      '-D', this.dataDir, '-p', String(this.port), '-k', this.dataDir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'max_connections=300',
    ]);
    this.child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    await waitForPort(this.port, 30000);
    await this.waitReady();
  }

  /** The process started (runuser or the postmaster itself): the root of the cluster's process tree. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + scaled(30000);
    for (;;) {
      const client = new pg.Client({ connectionString: this.url() });
      try {
        await client.connect();
        await client.query('select 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  }

  /** A fresh, empty database for one test file. */
  async createDatabase(prefix = 't'): Promise<string> {
    const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops the postmaster (as an outage would), keeping the data for `resume()`. */
  async pause(): Promise<void> {
    // The postmaster's pid (runuser forks it); SIGINT is PostgreSQL's fast shutdown.
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 15000;
      while (fs.existsSync(pidFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (this.child) await stopChild(this.child, 'SIGTERM', 5000);
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await this.pause();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
