// Preloaded with `node --import` in the no-network test: any connection or DNS lookup that would leave
// this machine fails at once and is reported on stderr, so a test can prove nothing tried.
import dns from 'node:dns';
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const report = (what) => process.stderr.write(`NETWORK-BLOCKED ${what}\n`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function patchedConnect(...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  const host = options.host ?? 'localhost';
  if (!options.path && !LOOPBACK.has(host) && !host.startsWith('127.')) {
    report(`${host}:${options.port}`);
    process.nextTick(() => this.destroy(new Error(`network access blocked: ${host}`)));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function patchedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOOPBACK.has(hostname)) {
    report(`dns ${hostname}`);
    process.nextTick(() => cb(Object.assign(new Error(`dns blocked: ${hostname}`), { code: 'ENOTFOUND' })));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
