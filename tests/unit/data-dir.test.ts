import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, PRODUCT_FOLDER, defaultDataDir, resolveDataDir } from '../../electron/studio/data-dir';

describe('defaultDataDir', () => {
  const home = os.homedir();

  it('uses %APPDATA% on Windows', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\lin\\AppData\\Roaming' })).toBe(
      'C:\\Users\\lin\\AppData\\Roaming\\Creator Studio',
    );
  });

  it('falls back to the roaming folder under home on Windows without %APPDATA%', () => {
    expect(defaultDataDir('win32', {})).toBe(path.win32.join(home, 'AppData', 'Roaming', PRODUCT_FOLDER));
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir('darwin', {})).toBe(`${home}/Library/Application Support/Creator Studio`);
  });

  it('follows XDG_CONFIG_HOME on Linux, else ~/.config', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/Creator Studio');
    expect(defaultDataDir('linux', {})).toBe(`${home}/.config/Creator Studio`);
  });
});

describe('resolveDataDir', () => {
  const fallback = () => '/fallback';

  it('prefers the --data-dir flag over the environment', () => {
    expect(resolveDataDir('/from-flag', fallback, { [DATA_DIR_ENV]: '/from-env' })).toBe(path.resolve('/from-flag'));
  });

  it('uses CREATOR_STUDIO_DATA_DIR when there is no flag', () => {
    expect(DATA_DIR_ENV).toBe('CREATOR_STUDIO_DATA_DIR');
    expect(resolveDataDir(undefined, fallback, { [DATA_DIR_ENV]: '/from-env' })).toBe(path.resolve('/from-env'));
  });

  it('falls back when neither is set, or the variable is empty', () => {
    expect(resolveDataDir(undefined, fallback, {})).toBe('/fallback');
    expect(resolveDataDir(undefined, fallback, { [DATA_DIR_ENV]: '' })).toBe('/fallback');
  });

  it('makes a relative folder absolute against the working directory', () => {
    expect(resolveDataDir('work/space', fallback, {})).toBe(path.join(process.cwd(), 'work', 'space'));
  });
});
