/**
 * Where settings are kept. Inside Electron the main process hands the host an electron-store backend; in plain Node
 * (browser mode, tests) the host uses conf. Both are given the same JSON schema and write `settings.json` in the data
 * folder, so a workspace opened in either shell keeps its language and preferences.
 */
import Conf from 'conf';
import { normalizeSettings, settingsJsonSchema, type Settings } from '../../../shared/settings';

export interface SettingsBackend {
  read(): unknown;
  write(settings: Settings): void;
}

export const SETTINGS_FILE_NAME = 'settings';

/** conf, pointed at the data folder with the shared schema. */
export function confSettingsBackend(dataDir: string): SettingsBackend {
  const conf = new Conf<Settings>({
    cwd: dataDir,
    configName: SETTINGS_FILE_NAME,
    projectName: 'creator-studio',
    schema: settingsJsonSchema as never,
    // A hand-edited or damaged settings file must not stop the studio from starting: fall back to defaults.
    clearInvalidConfig: true,
  });
  return {
    read: () => conf.store,
    write: (settings) => {
      conf.store = settings;
    },
  };
}

export class SettingsService {
  constructor(private readonly backend: SettingsBackend) {}

  get(): Settings {
    return normalizeSettings(this.backend.read());
  }

  update(patch: Partial<Settings>): Settings {
    const next = normalizeSettings({ ...this.get(), ...patch });
    this.backend.write(next);
    return next;
  }
}
