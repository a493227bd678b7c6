import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { packageRoot } from '../../shared/package-info.js';

/** Where `npm run build` puts the web UI (Vite's output, plus flowise-embed's `web.js` under `embed/`). */
export function defaultUiDirectory(): string {
  return path.join(packageRoot(), 'dist', 'ui');
}

/** Paths that belong to the server: an unknown one there is a JSON 404, never the app. */
const SERVER_PREFIXES = ['/api/', '/api?', '/admin', '/healthz', '/readyz', '/metrics'];

/** Answers an unknown route with the app, or returns undefined to leave it to the JSON 404. */
export type AppFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The app's page may load only this server's scripts, styles, images and API (nothing from another
 * origin), and only this origin may frame it. Inline styles stay allowed: React sets style attributes.
 */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Headers of the app's page (index.html), on top of nosniff, which every file gets. */
const PAGE_HEADERS = {
  'Content-Security-Policy': APP_CSP,
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'same-origin',
};

/**
 * The app's client-side routes (`/chatflows`, `/canvas/:id`, …) get `index.html`: only GET/HEAD requests
 * that accept HTML, outside the server's own prefixes, whose last segment does not look like a file (a
 * missing `.js` must stay a 404, or a stale tab would execute HTML).
 */
export function isAppRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url;
  if (url === '/api' || SERVER_PREFIXES.some((prefix) => url.startsWith(prefix))) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const pathname = url.split('?')[0]!;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Serves the built single-page app on the server's port: Vite's content-hashed `assets/*` are cached for
 * a year (`immutable`), everything else (index.html, the embed script) is revalidated on every load
 * (`no-cache`, with ETag and Last-Modified, so an unchanged file answers 304). Files the build compressed
 * (`.br`, `.gz` beside them) go compressed to browsers that accept it; nothing else here, and nothing of
 * the API, is ever compressed (SSE must reach the client unbuffered). Returns the handler for unknown
 * routes, or undefined when the UI was not built.
 */
export async function registerWebUi(
  app: FastifyInstance,
  directory: string,
): Promise<AppFallback | undefined> {
  if (!fs.existsSync(path.join(directory, 'index.html'))) return undefined;
  await app.register(fastifyStatic, {
    root: directory,
    wildcard: false,
    index: false,
    cacheControl: false,
    preCompressed: true,
    setHeaders(reply, file) {
      const relative = path.relative(directory, file);
      reply.header('Cache-Control', relative.startsWith(`assets${path.sep}`) ? IMMUTABLE : 'no-cache');
      reply.header('X-Content-Type-Options', 'nosniff');
      if (/^index\.html(\.br|\.gz)?$/.test(relative)) reply.headers(PAGE_HEADERS);
    },
  });
  const sendApp = (reply: FastifyReply) => reply.sendFile('index.html');
  app.get('/', async (_request, reply) => sendApp(reply));
  return (request, reply) => (isAppRoute(request) ? sendApp(reply) : undefined);
}
