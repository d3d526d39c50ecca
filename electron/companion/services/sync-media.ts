/**
 * The companion's store of media blobs for team sync: `<dataDir>/sync-media/<2 hex>/<sha256>`, written only by
 * renaming a verified file into place. An upload grows `<dataDir>/sync-media/.incoming/<sha256>.part` chunk by chunk;
 * its length is the offset a resumed upload continues from (after a killed desktop or a restarted companion alike).
 * When the last byte arrives the part file is hashed from disk; only a file whose sha256 is its name is kept — any
 * other is deleted, so a corrupted upload stores nothing and starts again from zero.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { SYNC_MEDIA_LIMITS, type SyncMediaState } from '../../../shared/companion/api';
import { CompanionError } from '../errors';

const HASH_RE = /^[0-9a-f]{64}$/;

export class SyncMediaStore {
  private readonly root: string;
  private readonly incoming: string;
  /** Hashes with a chunk being written: a second writer of the same blob waits its turn (answered CONFLICT). */
  private readonly busy = new Set<string>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'sync-media');
    this.incoming = path.join(this.root, '.incoming');
    fs.mkdirSync(this.incoming, { recursive: true });
  }

  private file(hash: string): string {
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  private part(hash: string): string {
    return path.join(this.incoming, `${hash}.part`);
  }

  /** What is here of each blob. */
  has(hashes: readonly string[]): SyncMediaState[] {
    return hashes.map((hash) => {
      const stored = sizeOf(this.file(hash));
      if (stored !== null) return { hash, stored: true, received: stored };
      return { hash, stored: false, received: sizeOf(this.part(hash)) ?? 0 };
    });
  }

  /** A stored blob to stream out, or NOT_FOUND. */
  open(hash: string): { stream: Readable; size: number } {
    if (!HASH_RE.test(hash)) throw new CompanionError('INVALID_INPUT', 'Not a sha256 hash');
    const file = this.file(hash);
    const size = sizeOf(file);
    if (size === null) throw new CompanionError('NOT_FOUND', `No media ${hash} on the companion`);
    return { stream: fs.createReadStream(file), size };
  }

  /**
   * Appends one chunk (streamed from the request, never held whole) at `offset`, which must be where the part file
   * ends. Finishes the blob when it reaches `size`.
   */
  async append(hash: string, offset: number, size: number, body: Readable): Promise<SyncMediaState> {
    if (!HASH_RE.test(hash)) throw new CompanionError('INVALID_INPUT', 'Not a sha256 hash');
    const stored = sizeOf(this.file(hash));
    if (stored !== null) {
      body.resume();
      return { hash, stored: true, received: stored };
    }
    if (this.busy.has(hash)) throw new CompanionError('CONFLICT', `Another upload of ${hash} is being written`, { received: sizeOf(this.part(hash)) ?? 0 });
    this.busy.add(hash);
    try {
      const part = this.part(hash);
      const received = sizeOf(part) ?? 0;
      if (offset !== received) {
        body.resume();
        throw new CompanionError('CONFLICT', `Expected the chunk at ${received}, got ${offset}`, { received });
      }
      const room = Math.min(size - received, SYNC_MEDIA_LIMITS.maxChunkBytes);
      let bytes = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > room) done(new CompanionError('INVALID_INPUT', `A chunk may carry at most ${room} bytes here`, { limit: room }));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(body, limit, fs.createWriteStream(part, { flags: 'a' }));
      } catch (error) {
        // Whatever was written of a refused chunk is cut off again: the part file keeps only whole, accepted chunks.
        await fs.promises.truncate(part, received).catch(() => {});
        throw error;
      }
      const now = received + bytes;
      if (now < size) return { hash, stored: false, received: now };
      await this.finish(hash, part);
      return { hash, stored: true, received: size };
    } finally {
      this.busy.delete(hash);
    }
  }

  private async finish(hash: string, part: string): Promise<void> {
    const digest = createHash('sha256');
    await pipeline(fs.createReadStream(part), digest);
    const actual = digest.digest('hex');
    if (actual !== hash) {
      fs.rmSync(part, { force: true });
      throw new CompanionError('INVALID_INPUT', `The uploaded file's sha256 is ${actual}, not ${hash}; nothing was kept`, { actual });
    }
    const handle = await fs.promises.open(part, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
    const target = this.file(hash);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(part, target);
  }
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}
