import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { PROJECT_ROOT } from '../support/processes.js';

// The deployment files, checked without a Docker engine: `docker-compose config` (Debian's docker-compose
// 1.29, the one .ci/run installs) interpolates and validates a compose file offline.

const MAIN_FILE = path.join(PROJECT_ROOT, 'docker/docker-compose.yml');
const WORKER_FILE = path.join(PROJECT_ROOT, 'docker/worker/docker-compose.yml');
const ENV_EXAMPLE = path.join(PROJECT_ROOT, 'docker/.env.example');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-deploy-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
/** Stands in for docker/.env, which would otherwise be read on a machine that has one. */
const NO_ENV_FILE = path.join(TMP, 'empty.env');
fs.writeFileSync(NO_ENV_FILE, '');
const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context?: string };
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }>;
  ports?: unknown[];
  volumes?: unknown[];
  healthcheck?: { test?: string | string[] };
}
interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}
interface Rendered {
  status: number | null;
  stderr: string;
  config?: ComposeConfig;
}

/**
 * `docker-compose config` for one file, in an environment holding only PATH and HOME (so variables of the
 * machine running the tests cannot leak into the result), and its YAML output as an object.
 */
function render(file: string, options: { envFile?: string; env?: Record<string, string> } = {}): Rendered {
  const args = ['--env-file', options.envFile ?? NO_ENV_FILE, '-f', file, 'config'];
  const result = spawnSync('docker-compose', args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), ...options.env },
    encoding: 'utf8',
    timeout: 60000,
  });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "docker-compose is not installed: install Debian's docker-compose package " +
          '(apt-get install docker-compose; .ci/run does it). No Docker engine is needed for these tests.',
      );
    }
    throw result.error;
  }
  if (result.status !== 0) return { status: result.status, stderr: result.stderr };
  return { status: 0, stderr: result.stderr, config: yamlToObject(result.stdout) as ComposeConfig };
}

/** Parses YAML with PyYAML, which docker-compose itself depends on (the project has no YAML parser). */
function yamlToObject(yaml: string): unknown {
  const result = spawnSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: yaml,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`could not parse docker-compose's output: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Rendered once per file and reused; inside each test, so a missing docker-compose fails each one. */
const cache = new Map<string, Rendered>();
function renderWithExample(file: string): Rendered {
  const cached = cache.get(file) ?? render(file, { envFile: ENV_EXAMPLE });
  cache.set(file, cached);
  return cached;
}

function service(config: ComposeConfig | undefined, name: string): ComposeService {
  const found = config?.services[name];
  if (!found) throw new Error(`no service "${name}" in ${JSON.stringify(Object.keys(config?.services ?? {}))}`);
  return found;
}

const entrypoint = (s: ComposeService) => [s.entrypoint ?? []].flat().join(' ');
const environment = (s: ComposeService) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));

/** The variables of the README's configuration table. */
function readmeVariables(): string[] {
  const section = read('README.md').split('\n## Configuration')[1]?.split('\n## ')[0] ?? '';
  const firstCells = section.split('\n').flatMap((line) => (line.startsWith('| `') ? [line.split('|')[1] ?? ''] : []));
  return firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1] ?? ''));
}

/** README variables the compose files deliberately do not take from .env, and why. */
const NOT_FROM_ENV: Record<string, string> = {
  HOST: 'a container must listen on all its addresses (the default)',
  DATABASE_PATH: 'the image keeps its data in the /root/.aimicromind volume (the default)',
  SECRETKEY_PATH: 'the image keeps the key file in the /root/.aimicromind volume (the default)',
  DATABASE_URL: 'the host variables name the database',
  REDIS_URL: 'the host variables name Redis',
};

/** The app's own validation accepts a rendered service environment (as the container would see it). */
function appConfig(s: ComposeService) {
  return loadConfig({ env: environment(s), ignoreDotEnv: true, cwd: TMP });
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^(?=FROM )/m).slice(1);

  it('builds in a builder stage and runs the `aimicromind` command in the runtime stage', () => {
    expect(stages).toHaveLength(2);
    const [builder = '', runtime = ''] = stages;
    expect(builder).toMatch(/^FROM node:24-bookworm-slim AS builder$/m);
    expect(builder).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(builder).toMatch(/npm ci/);
    expect(builder).toMatch(/npm run build/);
    expect(builder).toMatch(/npm prune --omit=dev/);

    expect(runtime).toMatch(/^FROM node:24-bookworm-slim/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    // Server and workers run with a larger young generation (fewer, cheaper scavenges under many streams).
    expect(runtime).toMatch(/^ENV NODE_OPTIONS=--max-semi-space-size=64$/m);
    expect(runtime).toMatch(/COPY --from=builder \/app\/node_modules /);
    expect(runtime).toMatch(/COPY --from=builder \/app\/dist /);
    expect(runtime).toMatch(/ln -s \/app\/bin\/aimicromind\.js \/usr\/local\/bin\/aimicromind/);
    expect(runtime).toMatch(/^VOLUME \/root\/\.aimicromind$/m);
    expect(runtime).toMatch(/^EXPOSE 3000 5566$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["aimicromind"\]$/m);
    expect(runtime).toMatch(/^CMD \["start"\]$/m);
  });

  it('ships the example flows the template gallery serves, in the image and in the npm package', () => {
    const runtime = stages[1] ?? '';
    expect(runtime).toMatch(/^COPY examples \.\/examples$/m);
    expect((JSON.parse(read('package.json')) as { files: string[] }).files).toContain('examples');
  });

  it('builds every production dependency that has an install script (npm ci runs with --ignore-scripts)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    const native = Object.entries(lock.packages)
      .filter(([, pkg]) => pkg.hasInstallScript && !pkg.dev)
      .map(([where]) => where.split('node_modules/').pop() ?? where);
    expect(native.length).toBeGreaterThan(0);
    const rebuild = dockerfile.match(/npm rebuild ([^\n\\&]+)/)?.[1]?.trim().split(/\s+/) ?? [];
    expect(rebuild.sort()).toEqual(expect.arrayContaining(native.sort()));
  });

  it('keeps dependencies, build output, git and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '**/.env']));
  });
});

describe('docker/docker-compose.yml', () => {
  const rendered = () => renderWithExample(MAIN_FILE);

  it('renders with docker/.env.example, which sets every variable the file uses', () => {
    const { status, stderr, config } = rendered();
    expect(status, stderr).toBe(0);
    expect(stderr, stderr).not.toMatch(/variable is not set/);
    expect(Object.keys(config?.services ?? {}).sort()).toEqual(['aimicromind', 'aimicromind-worker', 'postgres', 'redis']);
  });

  it('runs the server in queue mode and a worker, from one image and one environment', () => {
    const server = service(rendered().config, 'aimicromind');
    const worker = service(rendered().config, 'aimicromind-worker');
    for (const s of [server, worker]) {
      expect(s.image).toBe('aimicromind/aimicromind');
      expect(s.build?.context).toBe(PROJECT_ROOT);
      expect(s.depends_on).toEqual({ redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
      expect(JSON.stringify(s.volumes)).toContain(':/root/.aimicromind');
    }
    expect(entrypoint(server)).toContain('aimicromind start');
    expect(entrypoint(worker)).toContain('aimicromind worker');
    expect(JSON.stringify(server.ports)).toContain('3000');
    expect(worker.ports).toBeUndefined();

    const env = environment(server);
    expect(environment(worker)).toEqual(env);
    expect(env).toMatchObject({ MODE: 'queue', DATABASE_TYPE: 'postgres', DATABASE_HOST: 'postgres', REDIS_HOST: 'redis' });
    expect(env.SECRET_KEY).toBe('change-me-shared-secret-key');
  });

  it('starts Redis and PostgreSQL with health checks, PostgreSQL with the credentials the app uses', () => {
    const redis = service(rendered().config, 'redis');
    const postgres = service(rendered().config, 'postgres');
    expect(redis.image).toBe('redis:7-alpine');
    expect(JSON.stringify(redis.healthcheck?.test)).toContain('redis-cli ping');
    expect(postgres.image).toBe('postgres:16-alpine');
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    expect(Object.keys(rendered().config?.volumes ?? {})).toHaveLength(1);
    const app = environment(service(rendered().config, 'aimicromind'));
    expect(environment(postgres)).toMatchObject({
      POSTGRES_USER: app.DATABASE_USER,
      POSTGRES_PASSWORD: app.DATABASE_PASSWORD,
      POSTGRES_DB: app.DATABASE_NAME,
    });
  });

  it('gives the app an environment its configuration accepts', () => {
    const config = appConfig(service(rendered().config, 'aimicromind-worker'));
    expect(config.mode).toBe('queue');
    expect(config.database.type).toBe('postgres');
  });

  it('passes every variable of the README table (except the few it sets for the container)', () => {
    const passed = Object.keys(service(rendered().config, 'aimicromind').environment ?? {});
    const variables = readmeVariables();
    expect(variables).toContain('WORKER_CONCURRENCY');
    expect(variables.filter((name) => !(name in NOT_FROM_ENV) && !passed.includes(name))).toEqual([]);
  });

  it('takes MODE from the environment and refuses to render without a database password', () => {
    const main = render(MAIN_FILE, { env: { MODE: 'main', DATABASE_PASSWORD: 'x' } });
    expect(main.status, main.stderr).toBe(0);
    expect(environment(service(main.config, 'aimicromind')).MODE).toBe('main');
    const noPassword = render(MAIN_FILE);
    expect(noPassword.status).not.toBe(0);
    expect(noPassword.stderr).toContain('set DATABASE_PASSWORD');
  });
});

describe('docker/worker/docker-compose.yml', () => {
  const rendered = () => renderWithExample(WORKER_FILE);

  it('renders with docker/.env.example into one worker service', () => {
    const { status, stderr, config } = rendered();
    expect(status, stderr).toBe(0);
    expect(stderr, stderr).not.toMatch(/variable is not set/);
    expect(Object.keys(config?.services ?? {})).toEqual(['aimicromind-worker']);
  });

  it('runs `aimicromind worker` from the same image and .env, against the main machine', () => {
    const worker = service(rendered().config, 'aimicromind-worker');
    expect(worker.image).toBe('aimicromind/aimicromind');
    expect(entrypoint(worker)).toContain('aimicromind worker');
    expect(worker.ports).toBeUndefined();
    const env = environment(worker);
    expect(env).toMatchObject({
      MODE: 'queue',
      DATABASE_TYPE: 'postgres',
      REDIS_HOST: 'aimicromind-main',
      DATABASE_HOST: 'aimicromind-main',
      SECRET_KEY: 'change-me-shared-secret-key',
    });

    const mainEnv = environment(service(renderWithExample(MAIN_FILE).config, 'aimicromind-worker'));
    const { PORT: _serverOnly, ...mainWorkerEnv } = mainEnv;
    expect(Object.keys(env).sort()).toEqual(Object.keys(mainWorkerEnv).sort());
    expect(env.QUEUE_NAME).toBe(mainEnv.QUEUE_NAME);
    expect(env.SECRET_KEY).toBe(mainEnv.SECRET_KEY);
  });

  it('gives the worker an environment its configuration accepts', () => {
    const config = appConfig(service(rendered().config, 'aimicromind-worker'));
    expect(config.mode).toBe('queue');
    expect(config.redis).toMatchObject({ host: 'aimicromind-main', port: 6379 });
  });
});
