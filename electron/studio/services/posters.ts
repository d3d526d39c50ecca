/**
 * Share posters in the host: saved documents (SQLite, versioned JSON migrated on load), the brand kit, the compliance
 * scan and QR checks of a document, the single export (PNG/JPEG at exact size, returned for the renderer to save like
 * the preview export) and batch personalization (poster-batch.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StudioError, type HandlerInput, type MethodOutput } from '../../../shared/contract/index';
import type { Scanner } from '../../../shared/compliance/types';
import {
  CsvError,
  DEFAULT_BRAND_KIT,
  POSTER_SCHEMA_VERSION,
  PosterDocumentError,
  findTemplate,
  migratePosterDocument,
  posterTemplates,
  qrModulePx,
  qrWarnings,
  readBrandKit,
  resolveColor,
  sceneOwnerId,
  substitute,
  trackingLink,
  type BatchPerson,
  type BrandKit,
  type PosterDocument,
  type QrElement,
} from '../../../shared/poster/index';
import { parseBatchCsv } from '../../../shared/poster/csv';
import type { Poster, PosterFinding } from '../../../shared/poster/contract';
import type { MediaService } from './media';
import { FORMAT_INFO, decodeImage, drawPoster, encodePoster, qrMatrix, type ImageSourceRef } from './poster-render';
import { safeFileName } from './preview';
import type { BatchRunner } from './poster-batch';

interface PosterRow {
  id: string;
  name: string;
  kind: string;
  width: number;
  height: number;
  schema_version: number;
  document: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** What the posters need from the companion; null methods when none is bound and ready. */
export interface PosterCompanion {
  /** True when a companion is bound and ready: tracking QRs become parametric official-account QRs. */
  ready(): boolean;
  /** The QR content (weixin.qq.com/q/…) of a new temporary scene. */
  createScene(ownerKind: 'poster' | 'inviter', ownerId: string): Promise<string>;
  /** The team's members with their WeChat nickname and avatar (a data URL or ''). */
  members(): Promise<{ id: string; nickname: string; avatar: string }[]>;
}

const NO_COMPANION: PosterCompanion = {
  ready: () => false,
  createScene: () => Promise.reject(new StudioError('COMPANION_UNAVAILABLE', 'No companion is bound')),
  members: () => Promise.reject(new StudioError('COMPANION_UNAVAILABLE', 'No companion is bound')),
};

// Length of a weixin.qq.com/q/… scene URL: the matrix size of a companion QR is judged on one of the same length.
const SCENE_URL_SAMPLE = 'http://weixin.qq.com/q/02AbCdEfGhIjKl10000w03';

export interface PosterServiceOptions {
  db: Database.Database;
  dataDir: string;
  media: MediaService;
  scanner: () => Scanner;
  companion?: PosterCompanion;
  batch: BatchRunner;
  now?: () => Date;
}

export function newPosterId(): string {
  return `p${randomBytes(8).toString('hex')}`;
}

/** Where an avatar value points: a media hash, a data URL, or an absolute image file path; null otherwise. */
export function avatarSource(value: string | undefined, media: MediaService): ImageSourceRef | null {
  if (!value) return null;
  if (/^[0-9a-f]{64}$/.test(value)) {
    const file = media.locate(value);
    return file ? { kind: 'file', path: file.file } : null;
  }
  const data = /^data:image\/(?:png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)$/.exec(value);
  if (data) return { kind: 'bytes', data: Buffer.from(data[1]!, 'base64') };
  if (path.isAbsolute(value) && /\.(png|jpe?g|webp|gif)$/i.test(value)) return { kind: 'file', path: value };
  return null;
}

export class PosterService {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly companion: PosterCompanion;
  private readonly stmt;

  constructor(private readonly options: PosterServiceOptions) {
    this.db = options.db;
    this.now = options.now ?? (() => new Date());
    this.companion = options.companion ?? NO_COMPANION;
    this.stmt = {
      list: this.db.prepare<[], PosterRow>('SELECT * FROM posters ORDER BY updated_at DESC, id'),
      get: this.db.prepare<[string], PosterRow>('SELECT * FROM posters WHERE id = ?'),
      insert: this.db.prepare(
        `INSERT INTO posters (id, name, kind, width, height, schema_version, document, version, created_at, updated_at)
         VALUES (@id, @name, @kind, @width, @height, @schemaVersion, @document, 1, @now, @now)`,
      ),
      update: this.db.prepare(
        `UPDATE posters SET name = @name, kind = @kind, width = @width, height = @height, schema_version = @schemaVersion,
           document = @document, version = version + 1, updated_at = @now WHERE id = @id AND version = @baseVersion`,
      ),
      remove: this.db.prepare('DELETE FROM posters WHERE id = ?'),
      brand: this.db.prepare<[], { document: string }>('SELECT document FROM poster_brand WHERE id = 1'),
      saveBrand: this.db.prepare(
        `INSERT INTO poster_brand (id, schema_version, document, updated_at) VALUES (1, 1, @document, @now)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      ),
    };
  }

  // ---- documents -------------------------------------------------------------------------------------------------

  private toPoster(row: PosterRow): Poster {
    let document: PosterDocument;
    try {
      document = migratePosterDocument(JSON.parse(row.document));
    } catch (error) {
      if (error instanceof PosterDocumentError) {
        throw new StudioError(error.code === 'poster.tooNew' ? 'CONFLICT' : 'INTERNAL', error.message, { details: { reason: error.code } });
      }
      throw new StudioError('INTERNAL', `The poster ${row.id} is not readable JSON`);
    }
    return { id: row.id, name: row.name, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, document };
  }

  list(): MethodOutput<'posters.list'> {
    return {
      items: this.stmt.list.all().map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind as PosterDocument['kind'],
        width: r.width,
        height: r.height,
        version: r.version,
        updatedAt: r.updated_at,
      })),
    };
  }

  get(id: string): Poster {
    const row = this.stmt.get.get(id);
    if (!row) throw new StudioError('NOT_FOUND', `No poster ${id}`);
    return this.toPoster(row);
  }

  create(input: HandlerInput<'posters.create'>): Poster {
    let document: PosterDocument;
    if (input.templateId) {
      const template = findTemplate(input.templateId);
      if (!template) throw new StudioError('INVALID_INPUT', `No template ${input.templateId}`, { fields: [{ path: 'templateId', code: 'template.unknown' }] });
      // Templates' headings are bold; the brand kit's heading weight decides what they become in a new poster.
      const { headingWeight } = this.brand();
      document = { ...template.document, elements: template.document.elements.map((el) => (el.type === 'text' && el.fontWeight === 'bold' ? { ...el, fontWeight: headingWeight } : el)) };
    } else {
      document = { schemaVersion: POSTER_SCHEMA_VERSION, kind: 'custom', width: input.width, height: input.height, background: '#FFFFFF', elements: [], sampleValues: {} };
    }
    const id = newPosterId();
    this.stmt.insert.run({ id, name: input.name, ...this.columns(document), now: this.now().toISOString() });
    return this.get(id);
  }

  private columns(document: PosterDocument) {
    return { kind: document.kind, width: document.width, height: document.height, schemaVersion: POSTER_SCHEMA_VERSION, document: JSON.stringify(document) };
  }

  save(input: HandlerInput<'posters.save'>): Poster {
    const result = this.stmt.update.run({ id: input.id, name: input.name, baseVersion: input.baseVersion, ...this.columns(input.document), now: this.now().toISOString() });
    if (result.changes === 0) {
      const current = this.stmt.get.get(input.id);
      if (!current) throw new StudioError('NOT_FOUND', `No poster ${input.id}`);
      throw new StudioError('CONFLICT', `The poster changed since version ${input.baseVersion}`, { details: { version: current.version } });
    }
    return this.get(input.id);
  }

  delete(id: string): { id: string } {
    if (this.stmt.remove.run(id).changes === 0) throw new StudioError('NOT_FOUND', `No poster ${id}`);
    return { id };
  }

  templates(): MethodOutput<'posters.templates'> {
    return { items: posterTemplates() };
  }

  brand(): BrandKit {
    const row = this.stmt.brand.get();
    if (!row) return DEFAULT_BRAND_KIT;
    try {
      return readBrandKit(JSON.parse(row.document));
    } catch {
      return DEFAULT_BRAND_KIT;
    }
  }

  updateBrand(patch: HandlerInput<'posters.updateBrand'>): BrandKit {
    const current = this.brand();
    const next: BrandKit = { ...current, ...patch, colors: { ...current.colors, ...patch.colors }, schemaVersion: 1 };
    if (next.logoHash && !this.options.media.locate(next.logoHash)) {
      throw new StudioError('INVALID_INPUT', `No image ${next.logoHash}`, { fields: [{ path: 'logoHash', code: 'hash.unknown' }] });
    }
    this.stmt.saveBrand.run({ document: JSON.stringify(next), now: this.now().toISOString() });
    return next;
  }

  // ---- checks ----------------------------------------------------------------------------------------------------

  /** Compliance findings of every visible text element with the given values filled in. */
  scan(doc: PosterDocument, values: Readonly<Record<string, string | undefined>>): PosterFinding[] {
    const scanner = this.options.scanner();
    const out: PosterFinding[] = [];
    for (const el of doc.elements) {
      if (el.type !== 'text' || el.hidden) continue;
      const text = substitute(el.text, values);
      for (const f of scanner.scan(text)) {
        out.push({ elementId: el.id, category: f.category, severity: f.severity, start: f.start, end: f.end, text: f.text, message: f.message });
      }
    }
    return out;
  }

  /** Refuses an export whose text has a block finding, or a must-fix finding the creator did not acknowledge. */
  private assertExportable(findings: readonly PosterFinding[], acknowledgeMustFix: boolean, line?: number): void {
    const stopping = findings.filter((f) => f.severity === 'block' || (f.severity === 'must_fix' && !acknowledgeMustFix));
    if (stopping.length === 0) return;
    const first = stopping[0]!;
    throw new StudioError('COMPLIANCE_BLOCKED', `Poster text has ${stopping.length} finding(s) that stop the export: ${first.category} "${first.text}"`, {
      fields: stopping.slice(0, 20).map((f) => ({ path: `elements.${f.elementId}`, code: `compliance.${f.category}` })),
      details: { category: first.category, severity: first.severity, text: first.text, ...(line !== undefined ? { line } : {}) },
    });
  }

  private qrCheck(el: QrElement, payload: string, source: 'companion' | 'link' | 'text', brand: BrandKit) {
    let size: number;
    try {
      size = qrMatrix(payload, el.errorCorrection).size;
    } catch {
      return { elementId: el.id, payload, source, modulePx: 0, warnings: [{ code: 'qr.tooMuchData' as const, value: payload.length }] };
    }
    const side = Math.min(el.width, el.height);
    const warnings: { code: 'qr.tooSmall' | 'qr.lowContrast' | 'qr.inverted' | 'qr.tooMuchData' | 'qr.placeholderLink'; value: number }[] = qrWarnings(
      side,
      size,
      resolveColor(el.foreground, brand).slice(0, 7),
      resolveColor(el.background, brand).slice(0, 7),
    );
    if (source === 'link' && !brand.linkBase) warnings.push({ code: 'qr.placeholderLink', value: 0 });
    return { elementId: el.id, payload, source, modulePx: Math.round(qrModulePx(side, size) * 10) / 10, warnings };
  }

  check(input: HandlerInput<'posters.check'>): MethodOutput<'posters.check'> {
    const brand = this.brand();
    const values = input.document.sampleValues;
    const qr = input.document.elements
      .filter((el): el is QrElement => el.type === 'qr')
      .map((el) => {
        if (el.content.kind === 'text') return this.qrCheck(el, el.content.text, 'text', brand);
        if (this.companion.ready()) return { ...this.qrCheck(el, SCENE_URL_SAMPLE, 'companion', brand), payload: '' };
        return this.qrCheck(el, trackingLink(brand.linkBase, input.id, values.inviteCode), 'link', brand);
      });
    return { findings: this.scan(input.document, values), qr };
  }

  /** What a tracking QR carries for one person (or for the poster alone when there is no invite code). */
  async trackingPayload(posterId: string, inviteCode: string | undefined, brand: BrandKit): Promise<string> {
    if (this.companion.ready()) {
      return inviteCode ? this.companion.createScene('inviter', sceneOwnerId(posterId, inviteCode)) : this.companion.createScene('poster', posterId);
    }
    return trackingLink(brand.linkBase, posterId, inviteCode);
  }

  /** Image sources of a document's image elements for one person's values (media files, avatar, logo). */
  imageSources(doc: PosterDocument, values: Readonly<Record<string, string | undefined>>, brand: BrandKit): Map<string, ImageSourceRef> {
    const out = new Map<string, ImageSourceRef>();
    for (const el of doc.elements) {
      if (el.type !== 'image' || el.hidden) continue;
      let ref: ImageSourceRef | null;
      if (el.source.kind === 'avatar') ref = avatarSource(values.avatar, this.options.media);
      else {
        const hash = el.source.kind === 'media' ? el.source.hash : brand.logoHash;
        const file = hash ? this.options.media.locate(hash) : null;
        ref = file ? { kind: 'file', path: file.file } : null;
      }
      if (ref) out.set(el.id, ref);
    }
    return out;
  }

  async export(input: HandlerInput<'posters.export'>): Promise<MethodOutput<'posters.export'>> {
    const { document: doc } = input;
    // The tracking QR names the poster: it must be one of this workspace's.
    if (!this.stmt.get.get(input.id)) throw new StudioError('NOT_FOUND', `No poster ${input.id}`);
    const values = doc.sampleValues;
    this.assertExportable(this.scan(doc, values), input.acknowledgeMustFix);
    const brand = this.brand();
    const qrPayloads = new Map<string, string>();
    const checks = [];
    let tracking: string | null = null;
    for (const el of doc.elements) {
      if (el.type !== 'qr') continue;
      if (el.content.kind === 'text') {
        qrPayloads.set(el.id, el.content.text);
        checks.push(this.qrCheck(el, el.content.text, 'text', brand));
      } else {
        tracking ??= await this.trackingPayload(input.id, values.inviteCode, brand);
        qrPayloads.set(el.id, tracking);
        checks.push(this.qrCheck(el, tracking, this.companion.ready() ? 'companion' : 'link', brand));
      }
    }
    const images = new Map<string, NonNullable<Awaited<ReturnType<typeof decodeImage>>>>();
    for (const [id, ref] of this.imageSources(doc, values, brand)) {
      const bytes = ref.kind === 'bytes' ? ref.data : await fs.promises.readFile(ref.path).catch(() => null);
      const image = bytes ? await decodeImage(bytes) : null;
      if (image) images.set(id, image);
    }
    const canvas = drawPoster({ doc, brand, values, images, qrPayloads });
    const data = encodePoster(canvas, input.format, input.quality);
    const info = FORMAT_INFO[input.format];
    const title = safeFileName(input.fileTitle) || 'poster';
    return {
      fileName: `${title}-${doc.width}x${doc.height}.${info.ext}`,
      mime: info.mime,
      dataBase64: data.toString('base64'),
      width: doc.width,
      height: doc.height,
      qr: checks,
    };
  }

  // ---- batch -----------------------------------------------------------------------------------------------------

  private async people(source: HandlerInput<'posters.batchStart'>['source']): Promise<BatchPerson[]> {
    if (source.kind === 'members') {
      const members = await this.companion.members();
      return members.map((m, i) => ({ line: i + 1, values: { nickname: m.nickname, avatar: m.avatar, inviteCode: m.id.slice(0, 24) } }));
    }
    try {
      return parseBatchCsv(source.text);
    } catch (error) {
      if (error instanceof CsvError) {
        throw new StudioError('INVALID_INPUT', error.message, { fields: [{ path: 'source.text', code: error.code }], details: { line: error.line } });
      }
      throw error;
    }
  }

  defaultOutputDir(posterName: string): string {
    const stamp = this.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    return path.join(this.options.dataDir, 'exports', 'posters', `${safeFileName(posterName) || 'poster'}-${stamp}`);
  }

  async batchStart(input: HandlerInput<'posters.batchStart'>, posterName: string): Promise<MethodOutput<'posters.batchStart'>> {
    const { document: doc } = input;
    const people = await this.people(input.source);
    if (people.length === 0) throw new StudioError('INVALID_INPUT', 'Nobody to make a poster for', { fields: [{ path: 'source', code: 'batch.empty' }] });
    // Every person's text is checked before anything is written: a batch is whole or not at all.
    for (const person of people) {
      const values = { ...doc.sampleValues, ...person.values };
      this.assertExportable(this.scan(doc, values), input.acknowledgeMustFix, person.line);
    }
    if (input.outputDir !== undefined && !path.isAbsolute(input.outputDir)) {
      throw new StudioError('INVALID_INPUT', 'The output folder must be an absolute path', { fields: [{ path: 'outputDir', code: 'folder.notAbsolute' }] });
    }
    const outputDir = input.outputDir ?? this.defaultOutputDir(posterName);
    try {
      fs.mkdirSync(outputDir, { recursive: true });
      fs.accessSync(outputDir, fs.constants.W_OK);
    } catch {
      throw new StudioError('INVALID_INPUT', `Cannot write to ${outputDir}`, { fields: [{ path: 'outputDir', code: 'folder.notWritable' }] });
    }
    const brand = this.brand();
    const hasTracking = doc.elements.some((el) => el.type === 'qr' && el.content.kind === 'tracking');
    return this.options.batch.start({
      posterId: input.id,
      doc,
      brand,
      people,
      outputDir,
      pattern: input.fileNamePattern,
      format: input.format,
      commonImages: this.imageSources(doc, {}, brand),
      avatarOf: (values) => avatarSource(values.avatar, this.options.media),
      payloadOf: hasTracking ? (values) => this.trackingPayload(input.id, values.inviteCode || undefined, brand) : null,
    });
  }
}


