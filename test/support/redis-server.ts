import { type ChildProcess, spawn } from 'node:child_process';
import { stopChild } from './child-process.js';
import { freePort, waitForPort } from './free-port.js';

/**
 * A real redis-server on a free loopback port, started by the tests themselves (Debian's redis-server
 * package; `.ci/run` installs it). No persistence; `restart()` keeps the port, as a Redis restart does.
 */
export interface RedisTlsFiles {
  cert: string;
  key: string;
  ca: string;
}

export class RedisServer {
  private child: ChildProcess | undefined;
  port = 0;
  /** With TLS, the only port is a TLS one and clients must present a certificate signed by `ca`. */
  private tls: RedisTlsFiles | undefined;

  static async start(options: { tls?: RedisTlsFiles } = {}): Promise<RedisServer> {
    const server = new RedisServer();
    server.port = await freePort();
    server.tls = options.tls;
    await server.spawn();
    return server;
  }

  get url(): string {
    return `${this.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async spawn(): Promise<void> {
    const ports = this.tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', this.tls.cert, '--tls-key-file', this.tls.key, '--tls-ca-cert-file', this.tls.ca, '--tls-auth-clients', 'yes']
      : ['--port', String(this.port)];
    const child = spawn(
      'redis-server',
      [...ports, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`cannot start redis-server (is it installed?): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
    });
    await Promise.race([waitForPort(this.port), failed]);
  }

  /** Stops Redis (as a crash would, with SIGKILL when `crash`). */
  async stop(crash = false): Promise<void> {
    if (!this.child) return;
    await stopChild(this.child, crash ? 'SIGKILL' : 'SIGTERM');
    this.child = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.spawn();
  }
}
