/**
 * Share posters: the versioned document model, pure editing operations with undo history, text layout and painting
 * shared by the editor and the export, QR geometry and checks, tracking links, variables, batch CSV and templates.
 * Imports nothing but shared/ and zod.
 */
export * from './csv';
export * from './model';
export * from './operations';
export * from './paint';
export * from './qr';
export * from './templates';
export * from './text';
export * from './tracking';
export * from './variables';
