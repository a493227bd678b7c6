import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow, stringify } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { ApiClient } from '../support/api-client.js';
import { freePort } from '../support/free-port.js';
import { type SpawnedProcess, spawnCli } from '../support/processes.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, type RunningServer, startServer, testEnv } from '../support/test-server.js';

const INTERNAL = { 'x-request-from': 'internal' };

/** The session cookie (name=value) from a login or setup response. */
function sessionCookie(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='));
  if (!set) throw new Error('no session cookie set');
  return set.split(';')[0]!;
}

describe('web UI sign-in with configured admin credentials', () => {
  let a: RunningServer;
  let b: RunningServer;
  let apiA: ApiClient;
  let apiB: ApiClient;

  beforeAll(async () => {
    // Two replicas over one database and one secret: a session is valid on both, and a sign-out on one ends it on both.
    const env = testEnv();
    a = await startServer(env);
    b = await startServer(env);
    apiA = new ApiClient(a.url);
    apiB = new ApiClient(b.url);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('sets a signed, httpOnly, SameSite=Strict, expiring cookie for the admin username and password', async () => {
    const login = await apiA.post('/api/v1/auth/login', { username: TEST_BASIC_USER, password: TEST_BASIC_PASSWORD });
    expect(login.status).toBe(200);
    const set = login.headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='))!;
    expect(set).toMatch(/; HttpOnly/i);
    expect(set).toMatch(/; SameSite=Strict/i);
    expect(set).toMatch(/; Path=\//);
    expect(set).toMatch(/; Expires=/);
    expect(set).not.toMatch(/; Secure/i); // plain http here; https requests get Secure
    const cookie = sessionCookie(login.headers);
    expect((await apiA.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(200);
    expect((await apiB.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(200);
    expect((await apiA.get('/api/v1/auth/status', { cookie, ...INTERNAL })).body).toMatchObject({ signedIn: true, setupRequired: false, signIn: { password: true, apiKey: true } });
  });

  it('accepts the cookie only with x-request-from: internal (CSRF guard)', async () => {
    const cookie = sessionCookie((await apiA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    expect((await apiA.get('/api/v1/chatflows', { cookie })).status).toBe(401);
    expect((await apiA.get('/api/v1/chatflows', { cookie, 'x-request-from': 'elsewhere' })).status).toBe(401);
    expect((await apiA.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(200);
    // Bearer keys are unchanged, and the CORS preflight does not allow the guard header to other sites.
    expect((await apiA.get('/api/v1/chatflows', { authorization: `Bearer ${TEST_ADMIN_KEY}` })).status).toBe(200);
    const preflight = await apiA.request('OPTIONS', '/api/v1/chatflows', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-request-from' },
    });
    expect(preflight.headers.get('access-control-allow-headers') ?? '').not.toMatch(/x-request-from/i);
  });

  it('refuses wrong credentials, a client API key, and a tampered cookie', async () => {
    expect((await apiA.post('/api/v1/auth/login', { username: TEST_BASIC_USER, password: 'wrong' })).status).toBe(401);
    expect((await apiA.post('/api/v1/auth/login', { apiKey: 'wrong' })).status).toBe(401);
    const clientKey = await apiA.post('/api/v1/apikey', { keyName: 'client' }, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    expect((await apiA.post('/api/v1/auth/login', { apiKey: clientKey.body.apiKey })).status).toBe(401);
    expect((await apiA.post('/api/v1/auth/login', {})).status).toBe(400);
    const cookie = sessionCookie((await apiA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    const [name, value] = cookie.split('=') as [string, string];
    const [id, expiry, signature] = decodeURIComponent(value).split('.');
    const later = `${name}=${encodeURIComponent(`${id}.${Number(expiry) + 86400}.${signature}`)}`;
    expect((await apiA.get('/api/v1/chatflows', { cookie: later, ...INTERNAL })).status).toBe(401);
  });

  it('signs out on every replica at once, and an expired session is refused', async () => {
    const cookie = sessionCookie((await apiA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    expect((await apiB.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(200);
    const logout = await apiA.post('/api/v1/auth/logout', undefined, { cookie, ...INTERNAL });
    expect(logout.headers.getSetCookie().join()).toMatch(/aimicromind_session=;/);
    expect((await apiA.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(401);
    expect((await apiB.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(401);

    const second = sessionCookie((await apiA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    // Past every session's expiry (SESSION_TTL, 12 h by default): expired rows are purged and refused.
    await a.handle.core.repos.uiAuth.deleteExpiredSessions(new Date(Date.now() + 13 * 3600 * 1000));
    expect((await apiB.get('/api/v1/chatflows', { cookie: second, ...INTERNAL })).status).toBe(401);
  });

  it('admits the session to a keyed chatflow the way the admin key is admitted', async () => {
    const admin = apiA.withHeaders({ authorization: `Bearer ${TEST_ADMIN_KEY}` });
    const key = await admin.post('/api/v1/apikey', { keyName: 'bound' });
    const flow = await admin.post('/api/v1/chatflows', { name: 'keyed', flowData: '{"nodes":[],"edges":[]}', apikeyid: key.body.id });
    const cookie = sessionCookie((await apiA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    // The flow is empty, so a prediction that passes the key check answers 400 (invalid flow), not 401.
    expect((await apiA.post(`/api/v1/prediction/${flow.body.id}`, { question: 'hi' })).status).toBe(401);
    expect((await apiA.post(`/api/v1/prediction/${flow.body.id}`, { question: 'hi' }, { cookie, ...INTERNAL })).status).toBe(400);
  });
});

describe('first visit with no admin credential configured', () => {
  let server: SpawnedProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });

  it('creates the admin account only with the setup token printed in the log', async () => {
    const port = await freePort();
    server = spawnCli('start', testEnv({ PORT: String(port), LOG_LEVEL: 'info', AIMICROMIND_API_KEY: '', AIMICROMIND_USERNAME: '', AIMICROMIND_PASSWORD: '' }));
    const line = await server.waitFor(/setup token/);
    const token = /"setupToken":"([^"]+)"/.exec(line)![1]!;
    // Letters and digits only, so a double-click in a terminal selects all of it (160 bits).
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    await server.waitFor(/aimicromind server ready/);
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await api.get('/api/v1/auth/status')).body).toMatchObject({ signedIn: false, setupRequired: true, signIn: { password: false, apiKey: false } });

    const stranger = await api.post('/api/v1/auth/setup', { setupToken: 'guess', username: 'me', password: 'long enough' });
    expect(stranger.status).toBe(403);
    expect((await api.post('/api/v1/auth/setup', { setupToken: token, username: 'me', password: 'short' })).status).toBe(400);
    const setup = await api.post('/api/v1/auth/setup', { setupToken: token, username: 'owner', password: 'a long passphrase' });
    expect(setup.status).toBe(200);
    const cookie = sessionCookie(setup.headers);
    expect((await api.get('/api/v1/chatflows', { cookie, ...INTERNAL })).status).toBe(200);

    // Claimed once: the token is spent, the loopback fallback is over, and the password is what signs in.
    expect((await api.post('/api/v1/auth/setup', { setupToken: token, username: 'x', password: 'another passphrase' })).status).toBe(409);
    // The sign-in form then offers the password only: no admin key is configured.
    expect((await api.get('/api/v1/auth/status')).body).toMatchObject({ setupRequired: false, signIn: { password: true, apiKey: false } });
    expect((await api.get('/api/v1/chatflows')).status).toBe(401);
    expect((await api.post('/api/v1/auth/login', { username: 'owner', password: 'wrong passphrase' })).status).toBe(401);
    const login = await api.post('/api/v1/auth/login', { username: 'owner', password: 'a long passphrase' });
    expect(login.status).toBe(200);
    expect((await api.get('/api/v1/credentials', { cookie: sessionCookie(login.headers), ...INTERNAL })).status).toBe(200);
  });
});

describe('sliding session renewal', () => {
  const TTL = 3600;
  const MAX_AGE = 4 * 3600;
  let server: RunningServer;
  let api: ApiClient;
  beforeAll(async () => {
    server = await startServer(testEnv({ SESSION_TTL: String(TTL), SESSION_MAX_AGE: String(MAX_AGE) }));
    api = new ApiClient(server.url);
  });
  afterAll(() => server?.close());

  const db = () => server.handle.core.database.db;
  /** The session id inside a cookie (`name=<id>.<expiry>.<signature>`). */
  const idOf = (cookie: string) => decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!).split('.')[0]!;
  const sessionRow = async (cookie: string) => db().selectFrom('ui_session').selectAll().where('id', '=', idOf(cookie)).executeTakeFirstOrThrow();
  /** Moves a session back in time as if it were signed in `ageSeconds` ago and `leftSeconds` remained. */
  async function age(cookie: string, ageSeconds: number, leftSeconds: number) {
    const now = Date.now();
    await db()
      .updateTable('ui_session')
      .set({ createdDate: new Date(now - ageSeconds * 1000).toISOString(), expiresAt: new Date(now + leftSeconds * 1000).toISOString() })
      .where('id', '=', idOf(cookie))
      .execute();
  }
  const renewed = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='));
  const expiryOf = (cookie: string) => Number(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!).split('.')[1]);

  it('keeps a session used in the first half of its TTL as it is', async () => {
    const cookie = sessionCookie((await api.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    const response = await api.get('/api/v1/chatflows', { cookie, ...INTERNAL });
    expect(response.status).toBe(200);
    expect(renewed(response.headers)).toBeUndefined();
  });

  it('renews a session used after half its TTL: a new expiry in the database and a fresh cookie', async () => {
    const first = sessionCookie((await api.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    await age(first, TTL - 60, 60);
    const response = await api.get('/api/v1/chatflows', { cookie: first, ...INTERNAL });
    expect(response.status).toBe(200);
    const fresh = renewed(response.headers)!;
    expect(fresh).toMatch(/; HttpOnly/i);
    expect(fresh).toMatch(/; SameSite=Strict/i);
    expect(fresh).toMatch(/; Expires=/);
    const expiry = expiryOf(fresh);
    expect(expiry * 1000).toBeGreaterThan(Date.now() + (TTL - 120) * 1000);
    expect(Math.floor(Date.parse((await sessionRow(first)).expiresAt) / 1000)).toBe(expiry);
    // The fresh cookie works, and so does the old one until its own expiry (same session row).
    expect((await api.get('/api/v1/chatflows', { cookie: fresh.split(';')[0]!, ...INTERNAL })).status).toBe(200);
    expect((await api.get('/api/v1/chatflows', { cookie: first, ...INTERNAL })).status).toBe(200);
  });

  it("renews on the test chat's streamed answer too (the cookie is in the stream's headers)", async () => {
    const fake = new FakeLlmServer();
    await fake.start();
    try {
      const admin = api.withHeaders({ authorization: `Bearer ${TEST_ADMIN_KEY}` });
      const credential = await admin.post('/api/v1/credentials', { name: 'o', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'k' } });
      const flow = await admin.post('/api/v1/chatflows', {
        name: 'chat',
        flowData: stringify(llmChainFlow({ model: 'fake;tokens=3', basepath: fake.url, credential: credential.body.id })),
      });
      const cookie = sessionCookie((await api.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
      await age(cookie, TTL - 60, 60);
      const stream = await api.stream('POST', `/api/v1/prediction/${flow.body.id}`, { question: 'hi', streaming: true }, { cookie, ...INTERNAL });
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      expect(stream.events.at(-1)!.event).toBe('end');
      expect(expiryOf(renewed(stream.headers)!) * 1000).toBeGreaterThan(Date.now() + (TTL - 120) * 1000);
    } finally {
      await fake.stop();
    }
  });

  it('never renews beyond SESSION_MAX_AGE from the sign-in, and refuses the session after it', async () => {
    const cookie = sessionCookie((await api.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).headers);
    await age(cookie, MAX_AGE - 600, 60);
    const capped = await api.get('/api/v1/chatflows', { cookie, ...INTERNAL });
    const fresh = renewed(capped.headers)!;
    const cap = Date.parse((await sessionRow(cookie)).createdDate) + MAX_AGE * 1000;
    expect(Math.abs(expiryOf(fresh) * 1000 - cap)).toBeLessThan(1000);
    await age(cookie, MAX_AGE + 1, 60);
    expect((await api.get('/api/v1/chatflows', { cookie: fresh.split(';')[0]!, ...INTERNAL })).status).toBe(401);
  });
});
