/**
 * Content-addressed media: an image is stored once under media/<first two hex>/<sha256>.<ext>, whatever its original
 * name, written to a temporary file and renamed so a killed app never leaves half an image behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError, type MediaInfo } from '../../../shared/contract/index';
import { COURSE_LIMITS } from '../../../shared/domain/course';
import { sniffImage } from './image-sniff';

const HASH_RE = /^[0-9a-f]{64}$/;
const THUMB_RE = /^([0-9a-f]{64})\.thumb$/;

export class MediaService {
  private readonly root: string;

  constructor(
    private readonly db: Database.Database,
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.root = path.join(dataDir, 'media');
  }

  importImage(fileName: string, dataBase64: string): MediaInfo {
    const cover = (code: string, message: string) =>
      new StudioError('INVALID_INPUT', message, { fields: [{ path: 'cover', code }] });
    // Reject by the encoded length first, so an oversize file is never decoded into memory.
    if (Math.floor((dataBase64.length * 3) / 4) - 2 > COURSE_LIMITS.coverMaxBytes) {
      throw cover('cover.tooLarge', `Images are limited to ${COURSE_LIMITS.coverMaxBytes} bytes`);
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) throw cover('cover.notImage', 'The file data is not valid base64');
    const bytes = Buffer.from(dataBase64, 'base64');
    if (bytes.length === 0) throw cover('cover.empty', 'The file is empty');
    if (bytes.length > COURSE_LIMITS.coverMaxBytes) {
      throw cover('cover.tooLarge', `Images are limited to ${COURSE_LIMITS.coverMaxBytes} bytes`);
    }
    const image = sniffImage(bytes);
    if (!image) throw cover('cover.notImage', 'The file is not a PNG, JPEG, GIF or WebP image');

    const hash = createHash('sha256').update(bytes).digest('hex');
    const target = this.filePath(hash, image.ext);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(temp, bytes, { flush: true });
      fs.renameSync(temp, target);
    }
    this.db
      .prepare(
        `INSERT INTO media (hash, mime, size, width, height, original_name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
      )
      .run(hash, image.mime, bytes.length, image.width, image.height, path.basename(fileName).slice(0, 255), this.now().toISOString());
    return { hash, mime: image.mime, size: bytes.length, width: image.width, height: image.height };
  }

  /**
   * Where a stored file lives on disk, or null when the hash is unknown; the only way a path leaves this service.
   * `<hash>.thumb` names the library's thumbnail of an image.
   */
  locate(hash: string): { file: string; mime: string } | null {
    const thumb = THUMB_RE.exec(hash);
    if (thumb) {
      const file = this.thumbPath(thumb[1]!);
      return fs.existsSync(file) ? { file, mime: 'image/webp' } : null;
    }
    if (!HASH_RE.test(hash)) return null;
    const row = this.db.prepare<[string], { mime: string }>('SELECT mime FROM media WHERE hash = ?').get(hash);
    if (!row) return null;
    const file = this.filePath(hash, extensionOf(row.mime));
    return fs.existsSync(file) ? { file, mime: row.mime } : null;
  }

  /** The folder for files being imported: on the same volume as the store, so finishing an import is a rename. */
  incomingDir(): string {
    return path.join(this.root, '.incoming');
  }

  /**
   * Moves a fully written temporary file into the store under its hash. When the same content is already stored the
   * temporary file is dropped instead. Returns whether the file was new. Synchronous on purpose: with the database
   * write that follows, nothing else in the host can run in between (a delete of the same hash, say).
   */
  commitFile(temp: string, hash: string, ext: string): boolean {
    const target = this.filePath(hash, ext);
    if (fs.existsSync(target)) {
      fs.rmSync(temp, { force: true });
      return false;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(temp, target);
    return true;
  }

  /** Stores an image's thumbnail (temp file, then rename). */
  writeThumb(hash: string, bytes: Buffer): void {
    const target = this.thumbPath(hash);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(temp, bytes, { flush: true });
    fs.renameSync(temp, target);
  }

  /** Removes a file and its thumbnail from disk (the caller has removed its row). */
  removeFiles(hash: string, mime: string): void {
    fs.rmSync(this.filePath(hash, extensionOf(mime)), { force: true });
    fs.rmSync(this.thumbPath(hash), { force: true });
  }

  private filePath(hash: string, ext: string): string {
    return path.join(this.root, hash.slice(0, 2), `${hash}.${ext}`);
  }

  private thumbPath(hash: string): string {
    return path.join(this.root, 'thumbs', hash.slice(0, 2), `${hash}.webp`);
  }
}

/** The stored file's extension for its MIME type (the media library's probes give the same pairs). */
export function extensionOf(mime: string): string {
  return (
    {
      'image/png': 'png',
      'image/jpeg': 'jpg',
      'image/gif': 'gif',
      'image/webp': 'webp',
      'image/bmp': 'bmp',
      'audio/mpeg': 'mp3',
      'audio/mp4': 'm4a',
      'audio/wav': 'wav',
      'video/mp4': 'mp4',
      'video/quicktime': 'mov',
    }[mime] ?? 'bin'
  );
}
