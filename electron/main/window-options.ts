/**
 * The desktop window's security, as pure data and predicates so a test can assert them without Electron.
 * Only `import type` from electron here: this file must load in plain Node.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The privileged scheme the renderer and its media are served from; `studio://app/` is the app's only origin. */
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: '创作者工作台',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Whether a frame may call the studio: only our own top-level page, never a navigated-away or foreign frame. */
export function isTrustedSender(frameUrl: string | undefined, devServerUrl?: string): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    if (url.protocol === `${APP_SCHEME}:` && url.host === 'app') return true;
    return devServerUrl !== undefined && url.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** In-window navigation is never allowed: the studio is one page; links to the web open nowhere. */
export function isAllowedNavigation(_targetUrl: string): boolean {
  return false;
}

/** New windows (window.open, target=_blank) are always denied. */
export const windowOpenDecision = { action: 'deny' } as const;

/** Links the studio hands to the system browser instead (the sandbox's phone page, help pages): http(s) only. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
