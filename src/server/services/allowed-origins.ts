/**
 * A list of browser origins (CORS_ORIGINS, or a chatflow's `chatbotConfig.allowedOrigins`), compared as
 * origins: scheme and host without regard to case, default ports dropped (`https://a.example:443` is
 * `https://a.example`), and anything after the host ignored (`https://a.example/chat/` is
 * `https://a.example`). An entry without a scheme (`a.example`, `a.example:8443`) names that host on
 * http and https. `*` allows every origin. Entries that are not origins are ignored.
 */
export class OriginList {
  private readonly origins = new Set<string>();
  private readonly hosts = new Set<string>();
  readonly any: boolean;

  constructor(entries: readonly unknown[]) {
    let any = false;
    for (const entry of entries) {
      if (typeof entry !== 'string' || entry.trim() === '') continue;
      const text = entry.trim();
      if (text === '*') {
        any = true;
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
        const origin = originOf(text);
        if (origin) this.origins.add(origin);
      } else {
        const host = originOf(`http://${text}`);
        if (host) this.hosts.add(host.slice('http://'.length));
      }
    }
    this.any = any;
  }

  /** From a comma-separated setting such as CORS_ORIGINS. */
  static parse(setting: string): OriginList {
    return new OriginList(setting.split(','));
  }

  get isEmpty(): boolean {
    return !this.any && this.origins.size === 0 && this.hosts.size === 0;
  }

  /** Whether the `Origin` a browser sent is on the list. */
  allows(origin: string): boolean {
    if (this.any) return true;
    const normalized = originOf(origin);
    if (!normalized) return false;
    if (this.origins.has(normalized)) return true;
    return /^https?:\/\//.test(normalized) && this.hosts.has(normalized.slice(normalized.indexOf('//') + 2));
  }
}

/**
 * Whether `entry` is something OriginList reads: `*`, an origin with a scheme, or a bare host[:port]
 * (no path, no spaces). The web UI's Configuration dialog applies the same rule (ui/src/api/chatflow-config.ts).
 */
export function isOriginEntry(entry: string): boolean {
  const value = entry.trim();
  if (value === '*') return true;
  if (/\s/.test(value)) return false;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (withScheme) return originOf(value) !== undefined;
  try {
    const url = new URL(`http://${value}`);
    return url.host !== '' && url.pathname === '/' && !value.includes('/');
  } catch {
    return false;
  }
}

/** `scheme://host[:port]` of a URL (lower case, default port dropped), or undefined if it is none. */
function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.host === '' ? undefined : `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

/** A chatflow's own allow-list, from its parsed `chatbotConfig` (Flowise's `allowedOrigins`). */
export function chatflowOrigins(config: Record<string, unknown>): OriginList {
  return new OriginList(Array.isArray(config.allowedOrigins) ? config.allowedOrigins : []);
}
