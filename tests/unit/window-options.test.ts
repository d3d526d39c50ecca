import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  isAllowedNavigation,
  isTrustedSender,
  windowOpenDecision,
  windowOptions,
} from '../../electron/main/window-options';

describe('windowOptions', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('isolates and sandboxes the renderer, with no Node inside it', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and embeds nothing', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.experimentalFeatures).not.toBe(true);
  });

  it('loads the given preload (the single CommonJS file that sandbox: true requires)', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });
});

describe('isTrustedSender', () => {
  const dev = 'http://localhost:5173';

  it('trusts pages of the studio:// app origin', () => {
    expect(isTrustedSender(APP_ENTRY_URL)).toBe(true);
    expect(isTrustedSender('studio://app/courses/42')).toBe(true);
  });

  it('trusts the dev server only when one is given, and only its exact origin', () => {
    expect(isTrustedSender('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/courses?x=1', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/')).toBe(false);
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSender('https://localhost:5173/', dev)).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/', dev)).toBe(false);
  });

  it.each([
    ['a file URL', 'file:///Users/me/evil.html'],
    ['a web page', 'https://evil.example/'],
    ['another studio host', 'studio://evil/index.html'],
    ['a look-alike host', 'studio://app.evil.example/'],
    ['a data URL', 'data:text/html,<script>1</script>'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url at all'],
    ['an empty string', ''],
    ['undefined', undefined],
  ])('refuses %s', (_name, url) => {
    expect(isTrustedSender(url)).toBe(false);
    expect(isTrustedSender(url, dev)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it.each([APP_ENTRY_URL, 'studio://app/other', 'https://mp.weixin.qq.com/', 'file:///etc/passwd'])('denies navigating to %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });

  it('denies every new window', () => {
    expect(windowOpenDecision).toEqual({ action: 'deny' });
  });
});
