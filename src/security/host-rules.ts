import ipaddr from 'ipaddr.js';

/**
 * Which network addresses outbound requests may reach (the rules behind outbound-policy.ts).
 *
 * Default: only public unicast addresses. Every special-purpose range that ipaddr.js classifies
 * (loopback 127/8 and ::1, private RFC 1918, carrier-grade NAT 100.64/10, unique-local fc00::/7,
 * link-local 169.254/16 — cloud metadata at 169.254.169.254 — and fe80::/10, unspecified, broadcast,
 * multicast, reserved/documentation, benchmarking, 6to4, Teredo, NAT64 …) is refused, because any of
 * them may reach the server's own network instead of the internet. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) are judged as the IPv4 address they carry. IPv6 ranges ipaddr.js leaves as
 * `unicast` are judged here (EXTRA_IPV6_RANGES): the deprecated IPv4-compatible ::/96 (`[::127.0.0.1]`),
 * the dummy prefix 100:0:0:1::/64, and everything outside 2000::/3, the only space IANA allocates
 * for global unicast; these are `reserved`.
 *
 * Operators change this with two comma-separated lists of rules (env `HTTP_ALLOW_LIST`, `HTTP_DENY_LIST`):
 * a rule is an IP address (`127.0.0.1`, `::1`), a CIDR range (`10.0.0.0/8`, `fd00::/8`) or an exact host
 * name (`localhost`, `api.internal`, case-insensitive). The deny list always wins; the allow list lifts the
 * default refusal for matching addresses, or for every address a matching host name resolves to.
 */

export interface HostRule {
  /** The rule as written, for messages. */
  text: string;
  kind: 'address' | 'range' | 'hostname';
  address?: ipaddr.IPv4 | ipaddr.IPv6;
  prefix?: number;
  hostname?: string;
}

export interface HostRules {
  allow: readonly HostRule[];
  deny: readonly HostRule[];
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Special-purpose IPv6 ranges (IANA's IPv6 Special-Purpose Address Registry and address space) that
 * ipaddr.js 2.5 classifies as plain unicast. Everything it does classify (::1, ::ffff:0:0/96,
 * 64:ff9b::/96, 64:ff9b:1::/48, 100::/64, 2001::/23 and its sub-ranges, 2001:db8::/32, 2002::/16,
 * 3fff::/20, 5f00::/16, fc00::/7, fe80::/10, fec0::/10, ff00::/8, …) keeps its own name.
 */
const EXTRA_IPV6_RANGES: ReadonlyArray<[ipaddr.IPv6, number]> = [
  // RFC 4291 §2.5.5.1: IPv4-compatible addresses (deprecated); stacks may reach the IPv4 address in it.
  [ipaddr.IPv6.parse('::'), 96],
  // RFC 9780: dummy IPv6 prefix, never routed.
  [ipaddr.IPv6.parse('100:0:0:1::'), 64],
];
const GLOBAL_UNICAST: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];

/** ipaddr.js's name for the range an address is in, with the IPv6 ranges it misses named `reserved`. */
export function addressRange(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = address.range();
  if (range !== 'unicast' || address.kind() !== 'ipv6') return range;
  const v6 = address as ipaddr.IPv6;
  if (EXTRA_IPV6_RANGES.some(([base, bits]) => v6.match(base, bits)) || !v6.match(...GLOBAL_UNICAST)) return 'reserved';
  return range;
}

/**
 * Parses an IP address. IPv6 text is first put in its canonical form by the WHATWG URL parser (as the
 * URL of a request already is), because ipaddr.js reads `::a.b.c.d`, an IPv4-compatible address (and
 * how the resolver prints one), as the IPv4-mapped `::ffff:a.b.c.d`. Zone ids (`fe80::1%eth0`), which
 * URLs cannot hold, go to ipaddr.js as they are.
 */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (!text.includes(':')) return ipaddr.parse(text);
  let canonical = text;
  try {
    canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    // not URL-shaped (a zone id): ipaddr.js reads it
  }
  return ipaddr.parse(canonical);
}

/** IPv4-mapped IPv6 addresses are compared as the IPv4 address they carry. */
function normalized(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** Strips the brackets of an IPv6 URL host (`[::1]`). */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Parses one rule; throws an Error naming the rule when it is none of address, CIDR or host name. */
export function parseHostRule(text: string): HostRule {
  const rule = text.trim();
  if (rule.includes('/')) {
    try {
      const slash = rule.lastIndexOf('/');
      const range = parseIp(rule.slice(0, slash));
      const prefix = Number(rule.slice(slash + 1));
      if (!/^\d{1,3}$/.test(rule.slice(slash + 1)) || prefix > (range.kind() === 'ipv4' ? 32 : 128)) throw new Error('bad prefix');
      if (range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
        return { text: rule, kind: 'range', address: (range as ipaddr.IPv6).toIPv4Address(), prefix: prefix - 96 };
      }
      return { text: rule, kind: 'range', address: range, prefix };
    } catch {
      throw new Error(`"${rule}" is not a valid CIDR range`);
    }
  }
  const host = bareHost(rule);
  if (ipaddr.isValid(host)) return { text: rule, kind: 'address', address: normalized(parseIp(host)) };
  if (HOSTNAME.test(host)) return { text: rule, kind: 'hostname', hostname: host.toLowerCase().replace(/\.$/, '') };
  throw new Error(`"${rule}" is neither an IP address, a CIDR range nor a host name`);
}

/** Parses a comma-separated list of rules (empty entries are skipped); throws on the first bad one. */
export function parseHostRules(list: string | undefined): HostRule[] {
  return (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseHostRule);
}

function matchesAddress(rule: HostRule, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (!rule.address || rule.address.kind() !== address.kind()) return false;
  if (rule.kind === 'address') return rule.address.toNormalizedString() === address.toNormalizedString();
  if (rule.kind === 'range') return address.match(rule.address, rule.prefix!);
  return false;
}

const matchesHostname = (rule: HostRule, hostname: string) =>
  rule.kind === 'hostname' && rule.hostname === hostname.toLowerCase().replace(/\.$/, '');

export type HostVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Decides whether a connection to `ip` (reached through the URL host `hostname`) is allowed.
 * `hostname` equals `ip` when the URL names an address directly.
 */
export function judgeAddress(rules: HostRules, hostname: string, ip: string): HostVerdict {
  if (!ipaddr.isValid(ip)) return { allowed: false, reason: `"${ip}" is not an IP address` };
  const address = normalized(parseIp(ip));
  const denied = rules.deny.find((rule) => matchesAddress(rule, address) || matchesHostname(rule, hostname));
  if (denied) return { allowed: false, reason: `${describe(hostname, address)} is on HTTP_DENY_LIST (${denied.text})` };
  const range = addressRange(address);
  if (range === 'unicast') return { allowed: true };
  if (rules.allow.some((rule) => matchesAddress(rule, address) || matchesHostname(rule, hostname))) return { allowed: true };
  return {
    allowed: false,
    reason: `${describe(hostname, address)} is a ${range} address; add it to HTTP_ALLOW_LIST to allow it`,
  };
}

function describe(hostname: string, address: ipaddr.IPv4 | ipaddr.IPv6): string {
  const ip = address.toString();
  return hostname === ip || bareHost(hostname) === ip ? ip : `${hostname} (${ip})`;
}

/** True when the URL host is an IP address literal (no DNS lookup happens for it). */
export const isIpLiteral = (host: string): boolean => ipaddr.isValid(bareHost(host));
