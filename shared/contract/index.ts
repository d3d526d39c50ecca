export * from './compliance';
export * from './errors';
export * from './events';
export * from './library';
export * from './methods';
export * from './transport';
