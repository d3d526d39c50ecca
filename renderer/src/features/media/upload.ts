/**
 * Sends one picked or dropped file to the host's media library in chunks: importStart → importChunk (the bytes of
 * `file.slice()`, read one chunk at a time, so a 500 MB video is never in memory whole and never base64) →
 * importFinish. An abort (the cancel button) or any failure cancels the session, so nothing is left on the host.
 */
import { StudioError, type MediaItem } from '../../../../shared/contract/index';
import type { WechatMaterial } from '../../../../shared/domain/media';
import type { StudioClient } from '../../api/client';

export interface UploadOptions {
  material?: WechatMaterial;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

export class UploadCancelled extends Error {
  constructor() {
    super('The import was cancelled');
    this.name = 'UploadCancelled';
  }
}

export async function uploadFile(client: StudioClient, file: File, options: UploadOptions = {}): Promise<{ item: MediaItem; duplicate: boolean }> {
  const { sessionId, chunkBytes } = await client.call('media.importStart', {
    fileName: file.name,
    size: file.size,
    ...(options.material ? { material: options.material } : {}),
  });
  const read = (at: number) => file.slice(at, at + chunkBytes).arrayBuffer();
  try {
    // The next chunk is read from disk while the current one is on its way: at most two chunks in memory.
    let next: Promise<ArrayBuffer> | null = file.size > 0 ? read(0) : null;
    for (let offset = 0; next; ) {
      const data = new Uint8Array(await next);
      if (options.signal?.aborted) throw new UploadCancelled();
      if (data.byteLength === 0) throw new StudioError('INVALID_INPUT', 'The file changed while it was read', { fields: [{ path: 'file', code: 'media.sizeMismatch' }] });
      const end = offset + data.byteLength;
      next = end < file.size ? read(end) : null;
      await client.call('media.importChunk', { sessionId, offset, data });
      offset = end;
      options.onProgress?.(offset, file.size);
    }
    if (options.signal?.aborted) throw new UploadCancelled();
    return await client.call('media.importFinish', { sessionId });
  } catch (error) {
    // The host already removed the session when finish refused the file; cancelling again is harmless.
    await client.call('media.importCancel', { sessionId }).catch(() => undefined);
    throw error;
  }
}
