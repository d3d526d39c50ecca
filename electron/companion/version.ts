import pkg from '../../package.json' with { type: 'json' };

/** The companion ships with the studio and carries its version. */
export const APP_VERSION: string = pkg.version;
