/**
 * Electron runs the studio host in its main process, which needs better-sqlite3 built for Electron's ABI, while
 * plain Node (tests, browser mode, the standalone companion) needs the Node-ABI build in node_modules. The Electron
 * build is made separately (`npm run build:native:electron`, into build/native-electron/) and shipped as an extra
 * resource; it is loaded by path through better-sqlite3's `nativeBinding` option, so node_modules is never rebuilt.
 */
import fs from 'node:fs';
import path from 'node:path';

export const NATIVE_ADDON = 'better_sqlite3.node';

/** The Electron-ABI addon: packaged under resources/native/, or in the build folder when run from the sources. */
export function electronNativeBinding(isPackaged: boolean, resourcesPath: string, appPath: string): string | undefined {
  const candidate = isPackaged
    ? path.join(resourcesPath, 'native', NATIVE_ADDON)
    : path.join(appPath, 'build', 'native-electron', NATIVE_ADDON);
  return fs.existsSync(candidate) ? candidate : undefined;
}
