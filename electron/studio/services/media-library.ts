/**
 * The media library: chunked imports into the content-addressed store (media.ts), the metadata the probes read, the
 * list, WeChat material checks, usages and deletion.
 *
 * An import is a session. Each chunk is hashed and written as it arrives — one streaming pass, never the whole file
 * in memory — into `media/.incoming/<session>.part`; only `finish` renames it into `media/<2 hex>/<sha256>.<ext>` and
 * writes the row. So a cancelled, abandoned or killed import leaves nothing in the store or the database: cancel and
 * the idle timer remove the part file, and the next start of the host empties `.incoming` (a killed process cannot).
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError, type HandlerInput, type MediaItem, type MediaUsage } from '../../../shared/contract/index';
import {
  MEDIA_FORMATS,
  MEDIA_LIMITS,
  WECHAT_MATERIAL_LIMITS,
  checkWechatMaterial,
  checkWechatMaterials,
  type MediaFormat,
  type MediaKind,
  type WechatMaterial,
} from '../../../shared/domain/media';
import type { MediaService } from './media';
import { ProbeError, fileSource, probeMedia, readWavLayout, wavPeaks, type ProbeResult } from './media-probe/index';
import { THUMB_MAX_FILE_BYTES, makeThumbnail } from './media-thumbs';
import { findMediaUsages } from './media-usages';

interface Session {
  id: string;
  fileName: string;
  size: number;
  material: WechatMaterial | null;
  temp: string;
  handle: fs.promises.FileHandle;
  hash: Hash;
  received: number;
  busy: boolean;
  cancelled: boolean;
  lastActive: number;
}

interface MediaRow {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  original_name: string;
  created_at: string;
  kind: MediaKind;
  format: string | null;
  duration_ms: number | null;
  codec: string | null;
  audio_codec: string | null;
  bitrate: number | null;
  sample_rate: number | null;
  channels: number | null;
  has_thumb: number;
  waveform: string | null;
}

const COLUMNS = `hash, mime, size, width, height, original_name, created_at, kind, format, duration_ms, codec, audio_codec,
  bitrate, sample_rate, channels, has_thumb, waveform`;

const FORMAT_OF_MIME: Record<string, MediaFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
};

function fileProblem(code: string, message: string, details?: StudioError['details']): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'file', code }], ...(details ? { details } : {}) });
}

export interface MediaLibraryOptions {
  now: () => Date;
  /** Tells every window a file was added or removed. */
  changed: (hash: string, deleted: boolean) => void;
  log?: (line: string) => void;
  idleMs?: number;
}

export class MediaLibrary {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private readonly idleMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly store: MediaService,
    private readonly options: MediaLibraryOptions,
  ) {
    this.idleMs = options.idleMs ?? MEDIA_LIMITS.sessionIdleMs;
    // Part files from a previous run (killed mid-import) were never in the store or the database: remove them.
    fs.rmSync(store.incomingDir(), { recursive: true, force: true });
    this.sweeper = setInterval(() => void this.expireIdle(), Math.min(60_000, this.idleMs));
    this.sweeper.unref();
  }

  async start({ fileName, size, material }: HandlerInput<'media.importStart'>): Promise<{ sessionId: string; chunkBytes: number }> {
    if (size === 0) throw fileProblem('media.empty', 'The file is empty');
    if (size > MEDIA_LIMITS.maxBytes) {
      throw fileProblem('media.tooLarge', `Files are limited to ${MEDIA_LIMITS.maxBytes} bytes`, { limit: MEDIA_LIMITS.maxBytes, size });
    }
    // The one WeChat limit known before any byte arrives; refusing now spares uploading 500 MB to be told at the end.
    if (material && size > WECHAT_MATERIAL_LIMITS[material].maxBytes) {
      const limit = WECHAT_MATERIAL_LIMITS[material].maxBytes;
      throw fileProblem('media.wechat.tooLarge', `WeChat ${material} material is limited to ${limit} bytes`, { material, limit, size });
    }
    const id = randomBytes(16).toString('base64url');
    fs.mkdirSync(this.store.incomingDir(), { recursive: true });
    const temp = path.join(this.store.incomingDir(), `${id}.part`);
    const handle = await fs.promises.open(temp, 'wx');
    this.sessions.set(id, {
      id,
      fileName: path.basename(fileName.replaceAll('\\', '/')).slice(0, 255),
      size,
      material: material ?? null,
      temp,
      handle,
      hash: createHash('sha256'),
      received: 0,
      busy: false,
      cancelled: false,
      lastActive: Date.now(),
    });
    return { sessionId: id, chunkBytes: MEDIA_LIMITS.chunkBytes };
  }

  async chunk({ sessionId, offset, data }: HandlerInput<'media.importChunk'>): Promise<{ received: number }> {
    const session = this.session(sessionId);
    if (offset !== session.received) {
      throw new StudioError('CONFLICT', `Expected the chunk at ${session.received}, got ${offset}`, { details: { received: session.received } });
    }
    if (session.received + data.byteLength > session.size) {
      throw fileProblem('media.sizeMismatch', `The file is longer than the ${session.size} bytes announced`, { size: session.size });
    }
    session.busy = true;
    session.lastActive = Date.now();
    try {
      // The write runs on libuv's thread pool while this thread hashes the same bytes: one pass, two cores.
      const written = session.handle.write(data, 0, data.byteLength, offset);
      session.hash.update(data);
      await written;
      session.received += data.byteLength;
    } catch (error) {
      await this.discard(session);
      throw error;
    } finally {
      session.busy = false;
    }
    // Cancelled while this chunk was being written: the cancel left the clean-up to us.
    if (session.cancelled) {
      await this.discard(session);
      throw new StudioError('NOT_FOUND', 'The import was cancelled');
    }
    return { received: session.received };
  }

  async cancel(sessionId: string): Promise<{ cancelled: boolean }> {
    const session = this.sessions.get(sessionId);
    if (!session) return { cancelled: false };
    session.cancelled = true;
    if (!session.busy) await this.discard(session);
    return { cancelled: true };
  }

  async finish(sessionId: string): Promise<{ item: MediaItem; duplicate: boolean }> {
    const session = this.session(sessionId);
    if (session.received !== session.size) {
      throw fileProblem('media.incomplete', `Received ${session.received} of ${session.size} bytes`, { received: session.received, size: session.size });
    }
    this.sessions.delete(session.id);
    try {
      await session.handle.datasync();
      await session.handle.close();
      const hash = session.hash.digest('hex');
      const probed = this.probe(session.temp);
      if (session.material) this.enforce(session.material, probed.meta, session.size);

      const existing = this.row(hash);
      let thumb: Buffer | null = null;
      if (probed.meta.kind === 'image' && !existing?.has_thumb && session.size <= THUMB_MAX_FILE_BYTES) {
        thumb = await makeThumbnail(await fs.promises.readFile(session.temp), probed.meta.width!, probed.meta.height!);
      }
      // From here to the end nothing awaits: the file, its thumbnail and its row appear together as far as any other
      // call can see (a delete of the same hash cannot slip in between).
      this.store.commitFile(session.temp, hash, probed.meta.ext);
      if (thumb) this.store.writeThumb(hash, thumb);
      this.upsert(hash, session, probed.meta, thumb !== null, probed.waveform);
      this.options.changed(hash, false);
      return { item: this.toItem(this.row(hash)!), duplicate: existing !== undefined };
    } catch (error) {
      await session.handle.close().catch(() => {});
      fs.rmSync(session.temp, { force: true });
      throw error;
    }
  }

  list({ kind, limit, offset }: HandlerInput<'media.list'>): { items: MediaItem[]; total: number } {
    const where = kind ? 'WHERE kind = ?' : '';
    const params = kind ? [kind] : [];
    const rows = this.db
      .prepare<unknown[], MediaRow>(`SELECT ${COLUMNS} FROM media ${where} ORDER BY created_at DESC, hash LIMIT ? OFFSET ?`)
      .all(...params, limit, offset);
    const total = this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM media ${where}`).get(...params)!.n;
    return { items: rows.map((row) => this.toItem(row)), total };
  }

  get(hash: string): MediaItem {
    const row = this.row(hash);
    if (!row) throw new StudioError('NOT_FOUND', `No media ${hash}`);
    return this.toItem(row);
  }

  usages(hash: string): MediaUsage[] {
    if (!this.row(hash)) throw new StudioError('NOT_FOUND', `No media ${hash}`);
    return findMediaUsages(this.db, hash);
  }

  /** Removes a file nothing uses. The check and the delete are one transaction, so a usage cannot appear between. */
  delete(hash: string): { hash: string } {
    const removed = this.db.transaction(() => {
      const row = this.row(hash);
      if (!row) throw new StudioError('NOT_FOUND', `No media ${hash}`);
      const usages = findMediaUsages(this.db, hash);
      if (usages.length > 0) {
        throw new StudioError('CONFLICT', `The file is used in ${usages.length} place(s)`, {
          fields: usages.map((u) => ({ path: `${u.kind}:${u.courseId}${u.lessonId ? `/${u.lessonId}` : ''}`, code: `media.inUse.${u.kind}` })),
          details: { usages: usages.length },
        });
      }
      this.db.prepare('DELETE FROM media WHERE hash = ?').run(hash);
      return row;
    }).immediate();
    // After the commit: a crash here leaves an unlisted file on disk, never a row without its file.
    this.store.removeFiles(hash, removed.mime);
    this.options.changed(hash, true);
    return { hash };
  }

  /** Cancels every open import (the host is closing). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => this.cancel(s.id)));
  }

  private async expireIdle(): Promise<void> {
    const now = Date.now();
    for (const session of this.sessions.values()) {
      if (!session.busy && now - session.lastActive > this.idleMs) {
        this.options.log?.(`media import ${session.id} (${session.fileName}) idle for ${Math.round((now - session.lastActive) / 1000)} s; cancelled`);
        await this.cancel(session.id);
      }
    }
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session || session.cancelled) throw new StudioError('NOT_FOUND', 'No such import (finished, cancelled or expired)');
    if (session.busy) throw new StudioError('CONFLICT', 'The previous chunk of this import is still being written');
    return session;
  }

  private async discard(session: Session): Promise<void> {
    this.sessions.delete(session.id);
    await session.handle.close().catch(() => {});
    fs.rmSync(session.temp, { force: true });
  }

  private probe(file: string): { meta: ProbeResult; waveform: number[] | null } {
    const fd = fs.openSync(file, 'r');
    try {
      const src = fileSource(fd, fs.fstatSync(fd).size);
      const meta = probeMedia(src);
      const waveform = meta.format === 'wav' ? wavPeaks(src, readWavLayout(src)) : null;
      return { meta, waveform };
    } catch (error) {
      if (error instanceof ProbeError) throw fileProblem(error.code, error.message);
      throw error;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** With a material named at start, a file WeChat would refuse as that material is refused, naming each broken limit. */
  private enforce(material: WechatMaterial, meta: ProbeResult, size: number): void {
    const check = checkWechatMaterial(material, { format: meta.format, size, durationMs: meta.durationMs });
    if (check.ok) return;
    const limit = WECHAT_MATERIAL_LIMITS[material];
    throw new StudioError('INVALID_INPUT', `Not acceptable as WeChat ${material} material`, {
      fields: check.problems.map((p) => ({ path: 'file', code: `media.wechat.${p.code}` })),
      details: {
        material,
        format: meta.format,
        formats: limit.formats.join('/'),
        size,
        limitBytes: limit.maxBytes,
        durationMs: meta.durationMs,
        limitMs: limit.maxDurationMs ?? null,
      },
    });
  }

  private upsert(hash: string, session: Session, meta: ProbeResult, hasThumb: boolean, waveform: number[] | null): void {
    this.db
      .prepare(
        `INSERT INTO media (${COLUMNS})
         VALUES (@hash, @mime, @size, @width, @height, @name, @createdAt, @kind, @format, @durationMs, @codec, @audioCodec,
                 @bitrate, @sampleRate, @channels, @hasThumb, @waveform)
         ON CONFLICT (hash) DO UPDATE SET
           kind = excluded.kind, format = excluded.format, width = excluded.width, height = excluded.height,
           duration_ms = excluded.duration_ms, codec = excluded.codec, audio_codec = excluded.audio_codec,
           bitrate = excluded.bitrate, sample_rate = excluded.sample_rate, channels = excluded.channels,
           has_thumb = max(has_thumb, excluded.has_thumb), waveform = coalesce(excluded.waveform, waveform)`,
      )
      .run({
        hash,
        mime: meta.mime,
        size: session.size,
        width: meta.width,
        height: meta.height,
        name: session.fileName,
        createdAt: this.options.now().toISOString(),
        kind: meta.kind,
        format: meta.format,
        durationMs: meta.durationMs,
        codec: meta.codec,
        audioCodec: meta.audioCodec,
        bitrate: meta.bitrate,
        sampleRate: meta.sampleRate,
        channels: meta.channels,
        hasThumb: hasThumb ? 1 : 0,
        waveform: waveform ? JSON.stringify(waveform) : null,
      });
  }

  private row(hash: string): MediaRow | undefined {
    return this.db.prepare<[string], MediaRow>(`SELECT ${COLUMNS} FROM media WHERE hash = ?`).get(hash);
  }

  private toItem(row: MediaRow): MediaItem {
    const format = (MEDIA_FORMATS as readonly string[]).includes(row.format ?? '') ? (row.format as MediaFormat) : (FORMAT_OF_MIME[row.mime] ?? 'png');
    return {
      hash: row.hash,
      kind: row.kind,
      format,
      mime: row.mime,
      size: row.size,
      originalName: row.original_name,
      createdAt: row.created_at,
      width: row.width,
      height: row.height,
      durationMs: row.duration_ms,
      codec: row.codec,
      audioCodec: row.audio_codec,
      bitrate: row.bitrate,
      sampleRate: row.sample_rate,
      channels: row.channels,
      thumbnail: row.has_thumb === 1,
      waveform: row.waveform ? (JSON.parse(row.waveform) as number[]) : null,
      wechat: checkWechatMaterials(row.kind, { format, size: row.size, durationMs: row.duration_ms }),
    };
  }
}
