/**
 * Media files travelling with team sync (docs/features.md "Team sync: media"). Rows reference media by sha256; the
 * files go through the companion's content-addressed blob store (shared/companion/sync-media.ts).
 *
 * Before a batch of rows is pushed, every file they reference that the companion lacks is uploaded in chunks, read
 * from disk one chunk at a time; an upload cut off resumes at the companion's partial length. After rows are pulled,
 * the files they reference that are missing here are remembered (`sync_state` keys `media.want:<hash>`, so a restart
 * keeps them) and downloaded into the media library through its normal import (hash, probe, thumbnail,
 * `media.changed`), retried with backoff while the companion is unreachable. A row is applied without waiting: a
 * cover that has not arrived is left off and put on when it lands (`media.cover:<courseId>`), lesson media show as
 * missing until then.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import {
  SYNC_MEDIA_LIMITS,
  SYNC_MEDIA_ROUTES,
  companionErrorSchema,
  syncMediaPath,
  syncMediaStateSchema,
  type SyncData,
  type SyncKind,
  type SyncMediaState,
} from '../../../shared/companion/api';
import { StudioError } from '../../../shared/contract/index';
import type { CoverCrops } from '../../../shared/preview/crop';
import { MEDIA_LIMITS } from '../../../shared/domain/media';
import { bodyMediaHashes } from '../../../shared/rich-text/schema';
import { companionRequest } from '../companion-link/companion-client';
import type { MediaService } from './media';
import type { MediaLibrary } from './media-library';

/** The companion's media routes as this service uses them. */
export interface SyncMediaRemote {
  has(hashes: string[]): Promise<SyncMediaState[]>;
  /** Sends `chunk` as the bytes at `offset` of the file `hash` of `size` bytes. */
  upload(hash: string, offset: number, size: number, chunk: Uint8Array<ArrayBuffer>): Promise<SyncMediaState>;
  /** The file as a stream of byte chunks; `signal` ends it early. */
  download(hash: string, signal: AbortSignal): Promise<{ size: number; body: AsyncIterable<Uint8Array> }>;
}

/** Where the companion is and who this device is; null when none is reachable now. */
export type CompanionEndpoint = () => { url: string; token: string } | null;

const CHUNK_TIMEOUT_MS = 60_000;
/** A download that receives nothing for this long is dropped (and retried later). */
const IDLE_TIMEOUT_MS = 30_000;

function unreachable(url: string, error: unknown): StudioError {
  return new StudioError('COMPANION_UNAVAILABLE', `The companion at ${url} cannot be reached: ${(error as Error).message}`);
}

async function refusal(response: Response): Promise<StudioError> {
  let parsed: { code: string; message: string; details?: Record<string, unknown> } | null;
  try {
    const result = companionErrorSchema.safeParse(await response.json());
    parsed = result.success ? result.data.error : null;
  } catch {
    parsed = null;
  }
  const code = parsed?.code ?? 'INTERNAL';
  const known = ['INVALID_INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;
  const studioCode = (known as readonly string[]).includes(code) ? (code as (typeof known)[number]) : 'INTERNAL';
  return new StudioError(studioCode, parsed?.message ?? `Companion answered ${response.status}`, {
    details: { companionCode: code, status: response.status, ...((parsed?.details ?? {}) as Record<string, string | number | boolean | null>) },
  });
}

/** The media routes over HTTP at `endpoint`. */
export function mediaRemoteAt(endpoint: CompanionEndpoint): SyncMediaRemote {
  const at = () => {
    const e = endpoint();
    if (!e) throw new StudioError('COMPANION_UNAVAILABLE', 'No companion is reachable');
    return e;
  };
  return {
    has: async (hashes) => {
      const { url, token } = at();
      return (await companionRequest(url, token, 'sync.mediaHas', { body: { hashes } })).items;
    },
    upload: async (hash, offset, size, chunk) => {
      const { url, token } = at();
      let response: Response;
      try {
        response = await fetch(`${url}${syncMediaPath(hash)}?offset=${offset}&size=${size}`, {
          method: SYNC_MEDIA_ROUTES.upload.method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
          body: chunk,
          signal: AbortSignal.timeout(CHUNK_TIMEOUT_MS),
        });
      } catch (error) {
        throw unreachable(url, error);
      }
      if (!response.ok) throw await refusal(response);
      return syncMediaStateSchema.parse(await response.json());
    },
    download: async (hash, signal) => {
      const { url, token } = at();
      let response: Response;
      try {
        response = await fetch(`${url}${syncMediaPath(hash)}`, { headers: { Authorization: `Bearer ${token}` }, signal });
      } catch (error) {
        throw unreachable(url, error);
      }
      if (!response.ok || !response.body) throw await refusal(response);
      const size = Number(response.headers.get('content-length'));
      if (!Number.isSafeInteger(size) || size <= 0) throw new StudioError('INTERNAL', `The companion sent no size for ${hash}`);
      return { size, body: response.body as unknown as AsyncIterable<Uint8Array> };
    },
  };
}

/** Every media hash a synced row references: a course's cover and lesson media, a body's images. */
export function rowMedia(kind: SyncKind, data: SyncData | null): string[] {
  if (!data) return [];
  if (kind === 'lessonBody') return bodyMediaHashes(String(data.html ?? ''));
  const out = new Set<string>();
  if (typeof data.coverHash === 'string') out.add(data.coverHash);
  for (const chapter of (data.chapters as { lessons?: { typeDetails?: { mediaHash?: unknown } | null }[] }[] | undefined) ?? []) {
    for (const lesson of chapter.lessons ?? []) {
      if (typeof lesson.typeDetails?.mediaHash === 'string') out.add(lesson.typeDetails.mediaHash);
    }
  }
  return [...out].filter((h) => /^[0-9a-f]{64}$/.test(h));
}

export interface SyncMediaOptions {
  remote: () => SyncMediaRemote | null;
  library: MediaLibrary;
  media: MediaService;
  log: (line: string) => void;
  /** A cover left off a course applied from the team has arrived: put it on if nothing changed here since. */
  coverArrived: (courseId: string, hash: string, crops: CoverCrops | null) => void;
  /** A file arrived that synced lesson bodies may show as an image. */
  imageArrived: (hash: string) => void;
  random?: () => number;
  backoff?: { baseMs: number; maxMs: number };
}

export class SyncMedia {
  private readonly stmt;
  private running = false;
  private fetching: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    db: Database.Database,
    private readonly options: SyncMediaOptions,
  ) {
    this.stmt = {
      known: db.prepare<[string], { hash: string }>('SELECT hash FROM media WHERE hash = ?'),
      want: db.prepare("INSERT INTO sync_state (key, value) VALUES ('media.want:' || ?, '1') ON CONFLICT (key) DO NOTHING"),
      wanted: db.prepare<[], { key: string }>("SELECT key FROM sync_state WHERE key GLOB 'media.want:*' ORDER BY key"),
      setCover: db.prepare(
        "INSERT INTO sync_state (key, value) VALUES ('media.cover:' || ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      cover: db.prepare<[string], { value: string }>("SELECT value FROM sync_state WHERE key = 'media.cover:' || ?"),
      covers: db.prepare<[], { key: string; value: string }>("SELECT key, value FROM sync_state WHERE key GLOB 'media.cover:*'"),
      drop: db.prepare('DELETE FROM sync_state WHERE key = ?'),
    };
  }

  private known(hash: string): boolean {
    return this.stmt.known.get(hash) !== undefined;
  }

  // ── upload ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Uploads every file these rows reference that the companion lacks (and this desktop has). */
  async beforePush(rows: readonly { kind: SyncKind; data: SyncData | null }[]): Promise<void> {
    const remote = this.options.remote();
    if (!remote) return;
    const hashes = [...new Set(rows.flatMap((r) => rowMedia(r.kind, r.data)))].filter((h) => this.known(h));
    for (let i = 0; i < hashes.length; i += SYNC_MEDIA_LIMITS.hasItems) {
      const states = await remote.has(hashes.slice(i, i + SYNC_MEDIA_LIMITS.hasItems));
      for (const state of states) if (!state.stored) await this.upload(remote, state.hash, state.received);
    }
  }

  private async upload(remote: SyncMediaRemote, hash: string, received: number): Promise<void> {
    const located = this.options.media.locate(hash);
    if (!located) return;
    const handle = await fs.promises.open(located.file, 'r');
    try {
      const size = (await handle.stat()).size;
      const buffer = Buffer.alloc(Math.min(MEDIA_LIMITS.chunkBytes, size));
      let offset = received;
      while (offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
        let state: SyncMediaState;
        try {
          state = await remote.upload(hash, offset, size, buffer.subarray(0, bytesRead));
        } catch (error) {
          // The companion has another length than we thought (another upload of the same file, or a restart cut a
          // chunk off): continue from what it has.
          const at = error instanceof StudioError && error.code === 'CONFLICT' ? error.details?.received : undefined;
          if (typeof at !== 'number' || at === offset) throw error;
          offset = at;
          continue;
        }
        if (state.stored) return;
        offset = state.received;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * A course row whose cover is not here, sent from this desktop while the cover is still on its way: it carries the
   * team's cover, not "no cover" (which would remove it for everyone).
   */
  withArrivingCover(kind: SyncKind, id: string, data: SyncData | null): SyncData | null {
    if (kind !== 'course' || !data || data.coverHash !== null) return data;
    const pending = this.stmt.cover.get(id);
    if (!pending) return data;
    const { hash, crops } = JSON.parse(pending.value) as { hash: string; crops: CoverCrops | null };
    return { ...data, coverHash: hash, ...(crops ? { coverCrops: crops } : {}) };
  }

  // ── download ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Pulled rows: remembers the files they reference that are missing here, and covers to put on when they land. */
  afterPull(rows: readonly { kind: SyncKind; id: string; data: SyncData | null; deletedAt: string | null }[]): void {
    let wanted = 0;
    for (const row of rows) {
      for (const hash of rowMedia(row.kind, row.data)) {
        if (!this.known(hash)) wanted += this.stmt.want.run(hash).changes;
      }
      if (row.kind !== 'course') continue;
      const cover = row.deletedAt === null && typeof row.data?.coverHash === 'string' ? row.data.coverHash : null;
      if (cover && !this.known(cover)) {
        this.stmt.setCover.run(row.id, JSON.stringify({ hash: cover, crops: row.data?.coverCrops ?? null }));
      } else {
        this.stmt.drop.run(`media.cover:${row.id}`);
      }
    }
    if (wanted > 0 && this.running) this.kick(0);
  }

  /** How many files are still to come. */
  arriving(): number {
    return this.stmt.wanted.all().length;
  }

  /** Downloads every wanted file once; the first failure ends the round (and is thrown). */
  fetchWanted(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    const run = (async () => {
      do {
        this.again = false;
        await this.fetchRound();
      } while (this.again);
    })();
    this.fetching = run;
    return run.finally(() => {
      this.fetching = null;
    });
  }

  private async fetchRound(): Promise<void> {
    const remote = this.options.remote();
    if (!remote) return;
    let failure: unknown = null;
    for (const { key } of this.stmt.wanted.all()) {
      const hash = key.slice('media.want:'.length);
      try {
        if (!this.known(hash)) await this.download(remote, hash);
      } catch (error) {
        // Unreachable: the rest would fail the same way. Anything else (not uploaded yet, damaged) stays wanted and
        // must not hold up the files after it.
        if (error instanceof StudioError && error.code === 'COMPANION_UNAVAILABLE') throw error;
        failure ??= error;
        continue;
      }
      this.stmt.drop.run(key);
      this.landed(hash);
    }
    if (failure) throw failure;
  }

  private async download(remote: SyncMediaRemote, hash: string): Promise<void> {
    const idle = new AbortController();
    const onStop = () => idle.abort(new Error('sync stopped'));
    this.abort.signal.addEventListener('abort', onStop);
    let timer = setTimeout(() => idle.abort(new Error('download idle')), IDLE_TIMEOUT_MS);
    const { library } = this.options;
    let sessionId: string | null = null;
    try {
      const file = await remote.download(hash, idle.signal);
      if (file.size > SYNC_MEDIA_LIMITS.maxBytes) throw new StudioError('INVALID_INPUT', `Media ${hash} is larger than the library takes`);
      sessionId = (await library.start({ fileName: `team-${hash.slice(0, 12)}`, size: file.size })).sessionId;
      // Whole chunks of the library's size, so a chunk in memory is bounded whatever pieces the network delivers.
      const buffer = Buffer.alloc(Math.min(MEDIA_LIMITS.chunkBytes, file.size));
      let filled = 0;
      let offset = 0;
      const flush = async () => {
        if (filled === 0) return;
        // The library has written the bytes when this resolves, so the buffer is free to fill again.
        await library.chunk({ sessionId: sessionId!, offset, data: buffer.subarray(0, filled) });
        offset += filled;
        filled = 0;
      };
      for await (const piece of file.body) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(new Error('download idle')), IDLE_TIMEOUT_MS);
        let at = 0;
        while (at < piece.byteLength) {
          const n = Math.min(buffer.length - filled, piece.byteLength - at);
          buffer.set(piece.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === buffer.length) await flush();
        }
      }
      await flush();
      const id = sessionId;
      sessionId = null;
      const { item, duplicate } = await library.finish(id);
      if (item.hash !== hash) {
        // Not the file the row names (a damaged blob): it must not stay in the library under another name.
        if (!duplicate) library.delete(item.hash);
        throw new StudioError('INVALID_INPUT', `The companion's file for ${hash} has the sha256 ${item.hash}`);
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw new StudioError('COMPANION_UNAVAILABLE', `The download of ${hash} stalled`);
      throw error;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onStop);
      if (sessionId) await library.cancel(sessionId);
    }
  }

  /** A file landed: bodies showing it list it, covers waiting for it go on. */
  private landed(hash: string): void {
    this.options.imageArrived(hash);
    for (const { key, value } of this.stmt.covers.all()) {
      const pending = JSON.parse(value) as { hash: string; crops: CoverCrops | null };
      if (pending.hash !== hash) continue;
      this.stmt.drop.run(key);
      this.options.coverArrived(key.slice('media.cover:'.length), hash, pending.crops);
    }
  }

  // ── background lane ────────────────────────────────────────────────────────────────────────────────────────────

  start(): void {
    this.running = true;
    this.kick(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  /** The companion is reachable again: fetch now rather than at the end of the backoff. */
  wake(): void {
    this.failures = 0;
    if (this.running && this.arriving() > 0) this.kick(0);
  }

  private kick(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetchWanted().then(
        () => {
          this.failures = 0;
        },
        (error: unknown) => {
          if (!this.running) return;
          this.options.log(`sync: media download failed (${(error as Error).message}); retrying`);
          const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 500, maxMs: 30_000 };
          const cap = Math.min(maxMs, baseMs * 2 ** Math.min(this.failures++, 16));
          this.kick(cap / 2 + (this.options.random ?? Math.random)() * (cap / 2));
        },
      );
    }, ms);
  }
}
