/**
 * Where the workspace lives. The same folder Electron calls `userData` for this product, so the desktop app and
 * browser mode open the same workspace; `--data-dir` or CREATOR_STUDIO_DATA_DIR override it.
 */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_FOLDER = 'Creator Studio';
export const DATA_DIR_ENV = 'CREATOR_STUDIO_DATA_DIR';

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), PRODUCT_FOLDER);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', PRODUCT_FOLDER);
  return path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), PRODUCT_FOLDER);
}

/** The flag wins over the environment, which wins over the platform default (or the shell's own default). */
export function resolveDataDir(flag: string | undefined, fallback: () => string = defaultDataDir, env = process.env): string {
  const chosen = flag ?? env[DATA_DIR_ENV];
  return chosen ? path.resolve(chosen) : fallback();
}
