/**
 * WeChat surface previews: pure layout of every surface a course becomes (text measured with the bundled font's
 * glyph-width table), cover crops, limits with their sources, warnings and counters. Runs in the page, the host and
 * Node benchmarks alike; imports nothing but zod.
 */
export * from './crop';
export * from './course-text';
export * from './gallery';
export * from './icons';
export * from './layout';
export * from './limits';
export * from './measure';
export * from './model';
export * from './schemas';
export * from './text-layout';
export * from './theme';
