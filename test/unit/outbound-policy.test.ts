import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { judgeAddress, parseHostRules } from '../../src/security/host-rules.js';
import { OutboundPolicy, type OutboundPolicyConfig, OutboundRequestError } from '../../src/security/outbound-policy.js';
import { HttpTarget } from '../support/http-target.js';
import { rejectionOf } from '../support/rejection.js';

const target = new HttpTarget();
const policies: OutboundPolicy[] = [];

function policy(overrides: Partial<OutboundPolicyConfig> = {}): OutboundPolicy {
  const created = new OutboundPolicy({ allowList: [], denyList: [], maxResponseBytes: 1024 * 1024, timeoutMs: 10000, maxRedirects: 5, ...overrides });
  policies.push(created);
  return created;
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, OutboundRequestError);

beforeAll(async () => {
  await target.start();
  target.route('/hello', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'));
  target.route('/echo-headers', (req, res) => res.writeHead(200).end(JSON.stringify(req.headers)));
});
afterEach(async () => {
  await Promise.all(policies.splice(0).map((p) => p.close()));
});
afterAll(async () => target.stop());

describe('outbound policy: addresses', () => {
  it('refuses loopback by default and allows it when listed', async () => {
    const refused = await failure(policy().fetch(`${target.url}/hello`));
    expect(refused.reason).toBe('DENIED');
    expect(refused.message).toContain('127.0.0.1 is a loopback address; add it to HTTP_ALLOW_LIST');
    expect(target.requests).toHaveLength(0);

    const response = await policy({ allowList: ['127.0.0.1'] }).fetch(`${target.url}/hello`);
    expect(response).toMatchObject({ status: 200, ok: true, statusText: 'OK' });
    expect(response.text()).toBe('hello');
  });

  it('judges host names on the address they resolve to, inside the connection (localhost)', async () => {
    const refused = await failure(policy().fetch(`http://localhost:${target.port}/hello`));
    expect(refused.reason).toBe('DENIED');
    expect(refused.message).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    // A host name rule allows whatever that name resolves to; a CIDR rule the addresses in it.
    expect((await policy({ allowList: ['localhost'] }).fetch(`http://localhost:${target.port}/hello`)).text()).toBe('hello');
    expect((await policy({ allowList: ['127.0.0.0/8'] }).fetch(`http://localhost:${target.port}/hello`)).text()).toBe('hello');
  });

  it('refuses private, metadata, unspecified, multicast and disguised loopback addresses without connecting', async () => {
    const p = policy();
    for (const url of [
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/',
      'http://224.0.0.1/',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://0x7f.1/',
    ]) {
      const error = await failure(p.fetch(url));
      expect(error.reason, url).toBe('DENIED');
    }
  });

  it('refuses the special IPv6 ranges ipaddr.js calls unicast (IPv4-compatible, dummy, outside 2000::/3) as reserved', async () => {
    const none = { allow: [], deny: [] };
    // `::127.0.0.1` is how the resolver prints an IPv4-compatible address (ipaddr.js alone misreads it as IPv4-mapped).
    const reserved: Array<[string, string]> = [
      ['::127.0.0.1', '::7f00:1'],
      ['::7f00:1', '::7f00:1'],
      ['::8.8.8.8', '::808:808'],
      ['::169.254.169.254', '::a9fe:a9fe'],
      ['::1:2', '::1:2'],
      ['100:0:0:1::1', '100:0:0:1::1'],
      ['4000::1', '4000::1'],
      ['e000::1', 'e000::1'],
      ['1::1', '1::1'],
      ['64:ff9c::1', '64:ff9c::1'],
    ];
    for (const [ip, canonical] of reserved) {
      const shown = ip === canonical ? ip : `${ip} (${canonical})`;
      expect(judgeAddress(none, ip, ip), ip).toEqual({ allowed: false, reason: `${shown} is a reserved address; add it to HTTP_ALLOW_LIST to allow it` });
    }
    // Already classified by ipaddr.js, under their own names; public unicast stays allowed.
    for (const [ip, range] of [['64:ff9b:1::1', 'rfc6052'], ['100::1', 'discard'], ['2001:1::1', 'reserved'], ['2001::1', 'teredo'], ['2002::1', '6to4']]) {
      expect(judgeAddress(none, ip!, ip!), ip).toMatchObject({ allowed: false, reason: expect.stringContaining(`is a ${range} address`) });
    }
    for (const ip of ['2606:4700:4700::1111', '2a00:1450:4001::1', '8.8.8.8']) expect(judgeAddress(none, ip, ip), ip).toEqual({ allowed: true });
    // Dialled nowhere: the URL is refused before any connection.
    const error = await failure(policy().fetch(`http://[::127.0.0.1]:${target.port}/hello`));
    expect(error.reason).toBe('DENIED');
    expect(error.message).toContain('is a reserved address');
    // An operator may still allow such a range explicitly.
    expect(judgeAddress({ allow: parseHostRules('::/96'), deny: [] }, '::7f00:1', '::7f00:1')).toEqual({ allowed: true });
    expect(judgeAddress({ allow: [], deny: parseHostRules('::127.0.0.1/128') }, '::7f00:1', '::7f00:1').allowed).toBe(false);
    expect(() => parseHostRules('::1/129')).toThrow('"::1/129" is not a valid CIDR range');
  });

  it('lets the deny list win over the allow list and over public addresses', () => {
    const rules = { allow: parseHostRules('127.0.0.1'), deny: parseHostRules('127.0.0.1,8.8.8.0/24,bad.example') };
    expect(judgeAddress(rules, '127.0.0.1', '127.0.0.1').allowed).toBe(false);
    expect(judgeAddress(rules, '8.8.8.8', '8.8.8.8').allowed).toBe(false);
    expect(judgeAddress(rules, 'bad.example', '1.1.1.1').allowed).toBe(false);
    expect(judgeAddress(rules, 'good.example', '1.1.1.1').allowed).toBe(true);
  });

  it('fetches only http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/', 'data:text/plain,hi', 'not a url']) {
      expect((await failure(policy({ allowList: ['127.0.0.1'] }).fetch(url))).reason, url).toBe('INVALID_REQUEST');
    }
  });
});

describe('outbound policy: redirects, size and time', () => {
  it('checks every redirect hop: a redirect to a private address is refused', async () => {
    target.route('/to-metadata', (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    target.route('/to-ipv6-loopback', (_req, res) => res.writeHead(307, { location: `http://[::1]:${target.port}/hello` }).end());
    const p = policy({ allowList: ['127.0.0.1'] });
    const metadata = await failure(p.fetch(`${target.url}/to-metadata`));
    expect(metadata.reason).toBe('DENIED');
    expect(metadata.message).toContain('169.254.169.254 is a linkLocal address');
    expect((await failure(p.fetch(`${target.url}/to-ipv6-loopback`))).reason).toBe('DENIED');
  });

  it('follows allowed redirects, drops credentials across origins and stops after the limit', async () => {
    const other = await new HttpTarget().start();
    try {
      other.route('/echo-headers', (req, res) => res.writeHead(200).end(JSON.stringify(req.headers)));
      target.route('/to-other', (_req, res) => res.writeHead(302, { location: `http://localhost:${other.port}/echo-headers` }).end());
      target.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
      const p = policy({ allowList: ['127.0.0.1', 'localhost'], maxRedirects: 3 });
      const response = await p.fetch(`${target.url}/to-other`, { headers: { authorization: 'Bearer secret', 'x-keep': 'yes' } });
      expect(response.url).toBe(`http://localhost:${other.port}/echo-headers`);
      const headers = JSON.parse(response.text()) as Record<string, string>;
      expect(headers['x-keep']).toBe('yes');
      expect(headers.authorization).toBeUndefined();
      const loop = await failure(p.fetch(`${target.url}/loop`));
      expect(loop.reason).toBe('TOO_MANY_REDIRECTS');
      expect(loop.message).toContain('HTTP_MAX_REDIRECTS');
    } finally {
      await other.stop();
    }
  });

  it('fails an oversized response with a clear error, declared or streamed, and never cuts it silently', async () => {
    target.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)));
    target.route('/big-chunked', (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i += 1) res.write('y'.repeat(500));
      res.end();
    });
    target.route('/exact', (_req, res) => res.writeHead(200).end('z'.repeat(1000)));
    const p = policy({ allowList: ['127.0.0.1'], maxResponseBytes: 1000 });
    for (const path of ['/big-declared', '/big-chunked']) {
      const error = await failure(p.fetch(`${target.url}${path}`));
      expect(error.reason, path).toBe('TOO_LARGE');
      expect(error.message).toContain('larger than 1000 bytes (HTTP_MAX_RESPONSE_BYTES)');
    }
    expect((await p.fetch(`${target.url}/exact`)).body.length).toBe(1000);
    // A caller may ask for less than the policy's cap, never for more.
    expect((await failure(p.fetch(`${target.url}/exact`, { maxResponseBytes: 999 }))).reason).toBe('TOO_LARGE');
  });

  it('times out a request that never answers, and the caller signal aborts with its own reason', async () => {
    let arrived = () => {};
    target.route('/hang', () => arrived());
    const timedOut = await failure(policy({ allowList: ['127.0.0.1'], timeoutMs: 300 }).fetch(`${target.url}/hang`));
    expect(timedOut.reason).toBe('TIMEOUT');
    expect(timedOut.message).toContain('HTTP_TIMEOUT');

    const controller = new AbortController();
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const pending = policy({ allowList: ['127.0.0.1'] }).fetch(`${target.url}/hang`, { signal: controller.signal });
    await reached;
    const reason = new Error('run aborted');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('outbound policy configuration', () => {
  it('reads the lists and limits, and names bad rules', () => {
    const config = loadConfig({
      env: { HTTP_ALLOW_LIST: '127.0.0.1, 10.0.0.0/8 ,api.internal', HTTP_MAX_RESPONSE_BYTES: '2mb', HTTP_TIMEOUT: '5000' },
      ignoreDotEnv: true,
    });
    expect(config.outbound).toEqual({
      allowList: ['127.0.0.1', '10.0.0.0/8', 'api.internal'],
      denyList: [],
      maxResponseBytes: 2 * 1024 * 1024,
      timeoutMs: 5000,
      maxRedirects: 5,
    });
    expect(loadConfig({ env: {}, ignoreDotEnv: true }).outbound).toMatchObject({ maxResponseBytes: 10 * 1024 * 1024, timeoutMs: 30000 });
    let error: unknown;
    try {
      loadConfig({ env: { HTTP_ALLOW_LIST: '10.0.0.0/99', HTTP_DENY_LIST: 'not a host!' }, ignoreDotEnv: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/HTTP_ALLOW_LIST: "10\.0\.0\.0\/99" is not a valid CIDR range[\s\S]*HTTP_DENY_LIST: "not a host!"/);
  });
});
