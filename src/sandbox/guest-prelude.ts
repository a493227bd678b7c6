/**
 * JavaScript that runs inside QuickJS before the user's code: it turns the two host bridges the worker
 * installs (`__aimFetch(url, initJson) → Promise<responseJson>`, `__aimSleep(ms) → Promise`) and the task's
 * input (`__aimInput`, JSON text) into what Flowise tool code expects: `fetch`, `require('node-fetch')`,
 * `require('axios')`, `setTimeout`, `console`, and the task's globals (`$vars`, `$flow`, `$<property>`).
 * The bridges are removed from the global object; everything here lives inside QuickJS, so nothing the
 * user's code does to these objects can reach the host.
 *
 * Its value is `{ stringify, text }`: the original `JSON.stringify` and `String`, taken before the user's
 * code runs. The host turns the code's return value into text with these (GuestKit), so code that
 * replaces `JSON.stringify` or `Promise.prototype.then` changes only what its own code sees.
 */
export const GUEST_PRELUDE = String.raw`
(() => {
  const hostFetch = globalThis.__aimFetch;
  const hostSleep = globalThis.__aimSleep;
  const input = JSON.parse(globalThis.__aimInput);
  delete globalThis.__aimFetch;
  delete globalThis.__aimSleep;
  delete globalThis.__aimInput;

  class Headers {
    constructor(init) {
      this._map = {};
      if (init instanceof Headers) init = init.entries();
      if (init && typeof init[Symbol.iterator] === 'function') {
        for (const [name, value] of init) this.append(name, value);
      } else if (init && typeof init === 'object') {
        for (const name of Object.keys(init)) this.append(name, init[name]);
      }
    }
    append(name, value) {
      const key = String(name).toLowerCase();
      this._map[key] = key in this._map ? this._map[key] + ', ' + String(value) : String(value);
    }
    set(name, value) { this._map[String(name).toLowerCase()] = String(value); }
    get(name) { const v = this._map[String(name).toLowerCase()]; return v === undefined ? null : v; }
    has(name) { return String(name).toLowerCase() in this._map; }
    delete(name) { delete this._map[String(name).toLowerCase()]; }
    forEach(fn) { for (const key of Object.keys(this._map)) fn(this._map[key], key, this); }
    *entries() { for (const key of Object.keys(this._map)) yield [key, this._map[key]]; }
    *keys() { for (const key of Object.keys(this._map)) yield key; }
    *values() { for (const key of Object.keys(this._map)) yield this._map[key]; }
    [Symbol.iterator]() { return this.entries(); }
    toObject() { return Object.assign({}, this._map); }
  }

  class Response {
    constructor(raw) {
      this.url = raw.url;
      this.status = raw.status;
      this.statusText = raw.statusText;
      this.ok = raw.status >= 200 && raw.status < 300;
      this.redirected = raw.redirected;
      this.headers = new Headers(raw.headers);
      this._body = raw.body;
      this.bodyUsed = false;
    }
    _take() {
      if (this.bodyUsed) return Promise.reject(new TypeError('Body has already been read'));
      this.bodyUsed = true;
      return Promise.resolve(this._body);
    }
    text() { return this._take(); }
    json() { return this._take().then((text) => JSON.parse(text)); }
    arrayBuffer() { return Promise.reject(new Error('arrayBuffer() is not available in the sandbox; use text() or json()')); }
    blob() { return Promise.reject(new Error('blob() is not available in the sandbox; use text() or json()')); }
    clone() { const copy = new Response({ url: this.url, status: this.status, statusText: this.statusText, redirected: this.redirected, headers: this.headers.toObject(), body: this._body }); return copy; }
  }

  async function fetch(resource, init) {
    init = init || {};
    const url = typeof resource === 'object' && resource !== null && 'url' in resource ? resource.url : String(resource);
    const headers = new Headers(init.headers).toObject();
    let body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') body = String(body);
    const raw = await hostFetch(url, JSON.stringify({ method: init.method || 'GET', headers, body: body === null ? undefined : body }));
    return new Response(JSON.parse(raw));
  }

  function query(params) {
    if (!params) return '';
    const parts = [];
    for (const key of Object.keys(params)) {
      const value = params[key];
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(typeof item === 'object' ? JSON.stringify(item) : String(item)));
      }
    }
    return parts.length ? parts.join('&') : '';
  }

  function joinUrl(base, url) {
    if (!base || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
    return base.replace(/\/+$/, '') + '/' + String(url).replace(/^\/+/, '');
  }

  function createAxios(defaults) {
    async function request(config) {
      config = Object.assign({}, defaults, config, { headers: Object.assign({}, defaults.headers, config.headers) });
      const method = (config.method || 'get').toUpperCase();
      let url = joinUrl(config.baseURL, config.url || '');
      const qs = query(config.params);
      if (qs) url += (url.includes('?') ? '&' : '?') + qs;
      const headers = new Headers(config.headers);
      let body = config.data;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        body = JSON.stringify(body);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      const response = await fetch(url, { method, headers, body });
      const text = await response.text();
      let data = text;
      if (config.responseType !== 'text') {
        try { data = text === '' ? text : JSON.parse(text); } catch (e) { data = text; }
      }
      const result = { data, status: response.status, statusText: response.statusText, headers: response.headers.toObject(), config, request: {} };
      const valid = config.validateStatus === undefined ? (s) => s >= 200 && s < 300 : config.validateStatus;
      if (valid && !valid(response.status)) {
        const error = new Error('Request failed with status code ' + response.status);
        error.isAxiosError = true;
        error.status = response.status;
        error.response = result;
        error.config = config;
        throw error;
      }
      return result;
    }
    function axios(urlOrConfig, config) {
      return typeof urlOrConfig === 'string' ? request(Object.assign({}, config, { url: urlOrConfig })) : request(urlOrConfig || {});
    }
    axios.request = (config) => request(config || {});
    for (const method of ['get', 'delete', 'head', 'options']) {
      axios[method] = (url, config) => request(Object.assign({}, config, { url, method }));
    }
    for (const method of ['post', 'put', 'patch']) {
      axios[method] = (url, data, config) => request(Object.assign({}, config, { url, method, data }));
    }
    axios.create = (more) => createAxios(Object.assign({}, defaults, more, { headers: Object.assign({}, defaults.headers, more && more.headers) }));
    axios.isAxiosError = (error) => !!(error && error.isAxiosError);
    axios.defaults = defaults;
    axios.default = axios;
    return axios;
  }

  const modules = { axios: createAxios({ headers: {} }), 'node-fetch': Object.assign(fetch, { default: fetch, Headers, Response }) };

  function require(name) {
    if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
    throw new Error("require('" + String(name) + "') is not available in the sandbox: only 'axios' and 'node-fetch' are provided (both use the sandbox's fetch); other modules cannot be loaded");
  }

  let nextTimer = 1;
  const cancelled = new Set();
  function setTimeout(fn, ms, ...args) {
    const id = nextTimer++;
    hostSleep(Math.max(0, Number(ms) || 0)).then(() => {
      if (cancelled.delete(id)) return;
      if (typeof fn === 'function') fn(...args);
    });
    return id;
  }
  function clearTimeout(id) { cancelled.add(id); }

  const discard = () => undefined;
  const console = { log: discard, info: discard, warn: discard, error: discard, debug: discard, trace: discard };

  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  for (const [name, value] of Object.entries({ fetch, Headers, Response, require, setTimeout, clearTimeout, console })) define(name, value);
  for (const name of Object.keys(input.globals)) define(name, input.globals[name]);
  for (const name of input.dateGlobals || []) {
    if (typeof globalThis[name] === 'string' || typeof globalThis[name] === 'number') define(name, new Date(globalThis[name]));
  }
  const toText = String;
  return { stringify: JSON.stringify, text: (value) => toText(value) };
})();
`;

/**
 * The user's function body as an async function expression: evaluating it runs nothing; the host calls
 * the function and follows the promise it returns (its state, never its `then`).
 */
export function userFunctionSource(code: string): string {
  return `(async function () {\n${code}\n})`;
}
