/**
 * The in-app browser's cookies for one scan: websites that tie the OAuth `state` to a cookie set on their landing
 * page see it again on the callback. Deliberately small: host-only, no path or expiry beyond deletion.
 */
import type { IncomingHttpHeaders } from 'node:http';

export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  /** Stores the Set-Cookie headers of an answer from `url`. */
  store(url: string, headers: IncomingHttpHeaders): void {
    const host = new URL(url).hostname;
    for (const line of headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let cookies = this.byHost.get(host);
      if (!cookies) this.byHost.set(host, (cookies = new Map()));
      const removed = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
      if (removed) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  /** The Cookie header for a request to `url`, or undefined when there is none. */
  header(url: string): string | undefined {
    const cookies = this.byHost.get(new URL(url).hostname);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
