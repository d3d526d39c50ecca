import pkg from '../../package.json' with { type: 'json' };

export const APP_NAME = '创作者工作台 Creator Studio';
export const APP_VERSION: string = pkg.version;
