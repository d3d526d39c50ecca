/**
 * Electron main process: window, the `studio://` protocol, the IPC adapter, settings through electron-store.
 * Everything else is the studio host (electron/studio), the same code that browser mode runs in plain Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, net, protocol, safeStorage, session, shell, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import Store from 'electron-store';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallRequest } from '../../shared/contract/transport';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { settingsJsonSchema, type Settings } from '../../shared/settings';
import { keyFileSealer, type Sealer } from '../studio/companion-link/secret-box';
import { resolveDataDir } from '../studio/data-dir';
import { createStudioHost, type StudioHost } from '../studio/host';
import { SETTINGS_FILE_NAME } from '../studio/settings/settings-store';
import { electronNativeBinding } from './native-binding';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  isAllowedNavigation,
  isExternalLink,
  isTrustedSender,
  windowOpenDecision,
  windowOptions,
} from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

const dataDirFlag = /^--data-dir=(.+)$/.exec(process.argv.find((a) => a.startsWith('--data-dir=')) ?? '')?.[1];
const dataDir = resolveDataDir(dataDirFlag, () => app.getPath('userData'));
app.setPath('userData', dataDir);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

let host: StudioHost | null = null;

function serveApp(request: Request): Promise<Response> | Response {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/media/')) {
    const found = host?.mediaFile(url.pathname.slice('/media/'.length));
    if (!found) return new Response('Not found', { status: 404 });
    return net.fetch(`file://${found.file}`);
  }
  const file = path.normalize(path.join(rendererDir, decodeURIComponent(url.pathname)));
  if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file)) return new Response('Not found', { status: 404 });
  return net.fetch(`file://${file}`).then((res) => {
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

/** The OS keychain (DPAPI, macOS Keychain, libsecret) through safeStorage; a key file where none is available. */
function studioSealer(): Sealer {
  if (!safeStorage.isEncryptionAvailable()) {
    console.error('[studio] no OS keychain available; sealing secrets with a key file in the data folder');
    return keyFileSealer(dataDir);
  }
  return {
    kind: 'os-keychain',
    seal: (plain) => safeStorage.encryptString(plain.toString('base64')),
    open: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
  };
}

/** Native dialogs for the host's course packages, attached to the focused window when there is one. */
const filePicker = {
  async chooseSavePath(suggestedName: string): Promise<string | null> {
    const options: SaveDialogOptions = {
      defaultPath: path.join(app.getPath('documents'), suggestedName),
      filters: [{ name: 'Course package', extensions: ['zip'] }],
    };
    const win = BrowserWindow.getFocusedWindow();
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseOpenPath(): Promise<string | null> {
    const options: OpenDialogOptions = { properties: ['openFile'], filters: [{ name: 'Course package', extensions: ['zip'] }] };
    const win = BrowserWindow.getFocusedWindow();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(path.join(here, '..', 'preload', 'index.cjs')));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devServerUrl ?? APP_ENTRY_URL);
  return win;
}

void app.whenReady().then(() => {
  const store = new Store<Settings>({ cwd: dataDir, name: SETTINGS_FILE_NAME, schema: settingsJsonSchema as never, clearInvalidConfig: true });
  const binding = electronNativeBinding(app.isPackaged, process.resourcesPath, app.getAppPath());
  host = createStudioHost({
    dataDir,
    shell: 'desktop',
    settings: { read: () => store.store, write: (s) => (store.store = s) },
    ...(binding ? { nativeBinding: binding } : {}),
    log: (line) => console.error(`[studio] ${line}`),
    files: filePicker,
    // The companion and the sandbox run as Node processes of this same Electron binary (ELECTRON_RUN_AS_NODE), so
    // they too need the Electron-ABI better-sqlite3, named by CREATOR_STUDIO_SQLITE_BINDING.
    companion: {
      launcher: {
        execPath: process.execPath,
        args: [path.join(here, '..', 'node', 'cli.js')],
        env: { ELECTRON_RUN_AS_NODE: '1', ...(binding ? { CREATOR_STUDIO_SQLITE_BINDING: binding } : {}) },
      },
      sealer: studioSealer(),
    },
  });

  protocol.handle(APP_SCHEME, serveApp);
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle(IPC_CALL_CHANNEL, (event, request: CallRequest) => {
    if (!isTrustedSender(event.senderFrame?.url, devServerUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } };
    }
    return host!.dispatch(request?.method, request?.input, { via: 'ipc' });
  });
  host.on((envelope) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT_CHANNEL, envelope);
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return windowOpenDecision;
    });
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('will-quit', (event) => {
  if (quitting || !host) return;
  // Stop the embedded companion and sandbox before the process goes away.
  event.preventDefault();
  quitting = true;
  void host.close().finally(() => {
    host = null;
    app.quit();
  });
});
