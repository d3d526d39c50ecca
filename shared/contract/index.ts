export * from './compliance';
export * from './errors';
export * from './events';
export * from './lesson-bodies';
export * from './media';
export * from './library';
export * from './methods';
export * from './transport';
