/**
 * The bundled poster templates (resources/posters/templates.json, made by scripts/gen-poster-templates.js): three
 * designs per kind, each in 1080×1920 and 1080×1440, validated against the document schema when first read.
 */
import templatesJson from '../../resources/posters/templates.json' with { type: 'json' };
import { z } from 'zod';
import { POSTER_KINDS, posterDocumentSchema, type PosterDocument, type PosterKind } from './model';

export const posterTemplateSchema = z.object({
  id: z.string(),
  /** The design both sizes of a template share. */
  design: z.string(),
  kind: z.enum(POSTER_KINDS),
  name: z.object({ 'zh-CN': z.string(), 'en-US': z.string() }),
  document: posterDocumentSchema,
});
/** A template: a document to start a poster from. */
export interface PosterTemplate {
  id: string;
  design: string;
  kind: PosterKind;
  name: { 'zh-CN': string; 'en-US': string };
  document: PosterDocument;
}

let cache: PosterTemplate[] | null = null;

export function posterTemplates(): PosterTemplate[] {
  cache ??= z.array(posterTemplateSchema).parse(templatesJson.templates);
  return cache;
}

export function findTemplate(id: string): PosterTemplate | null {
  return posterTemplates().find((t) => t.id === id) ?? null;
}
