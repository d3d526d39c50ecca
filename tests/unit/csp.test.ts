import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

/** The policy as directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('CONTENT_SECURITY_POLICY', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('never allows inline or eval’d code', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-hashes'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('*');
  });

  it('denies by default and opens only what the renderer needs', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    // Workers (the compliance scanner) only from our own origin: never blob: or data: code.
    expect(csp.get('worker-src')).toEqual(["'self'"]);
  });

  it('allows no plugins, no framing, no form posts and no base rewrites', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
  });

  it('loads images only from itself or from local previews, never from the web', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    for (const sources of csp.values()) expect(sources.some((s) => /^https?:/.test(s))).toBe(false);
  });

  it('names each directive once', () => {
    const names = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)[0]);
    expect(new Set(names).size).toBe(names.length);
  });
});
