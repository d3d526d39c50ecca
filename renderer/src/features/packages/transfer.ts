/**
 * Package export and import as the page drives them: each is a host job named by an id the page chooses, so it can
 * follow the job's `packages.progressed` events and cancel it (`packages.cancel`) while the call runs.
 *
 * - Export: the desktop host asks where to save and writes there; in browser mode the finished file is fetched once
 *   through its download URL.
 * - Import: the desktop host shows its open dialog and reads the file where it is; in browser mode the picked File is
 *   uploaded first, one `file.slice()` chunk at a time (never whole in memory, never base64).
 */
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import type { StudioClient } from '../../api/client';

/** `upload`: bytes sent to the host (browser mode); the other phases are the host's (PackageProgress). */
export interface TransferProgress {
  phase: 'upload' | 'export' | 'verify' | 'store';
  doneBytes: number;
  totalBytes: number;
}

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
}

export type ExportResult = MethodOutput<'packages.export'>;
export type ImportResult = MethodOutput<'packages.import'>;

const newJobId = () => crypto.randomUUID().replaceAll('-', '');

/** The error a cancelled transfer ends with, the same as the host's (`package.cancelled`). */
export function cancelled(): StudioError {
  return new StudioError('CONFLICT', 'The package job was cancelled', { fields: [{ path: 'package', code: 'package.cancelled' }] });
}

export const isCancelled = (error: unknown) => error instanceof StudioError && (error.fields ?? []).some((f) => f.code === 'package.cancelled');

/** Runs one host job with its progress followed and `signal` wired to `packages.cancel`. */
async function job<T>(client: StudioClient, options: TransferOptions, run: (jobId: string) => Promise<T>): Promise<T> {
  const jobId = newJobId();
  const stop = client.on('packages.progressed', (p) => {
    if (p.jobId === jobId) options.onProgress?.({ phase: p.phase, doneBytes: p.doneBytes, totalBytes: p.totalBytes });
  });
  const cancel = () => void client.call('packages.cancel', { id: jobId }).catch(() => undefined);
  options.signal?.addEventListener('abort', cancel);
  try {
    if (options.signal?.aborted) throw cancelled();
    return await run(jobId);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    stop();
  }
}

export async function exportPackage(client: StudioClient, courseId: string, options: TransferOptions = {}): Promise<ExportResult> {
  const result = await job(client, options, (jobId) => client.call('packages.export', { courseId, jobId }));
  if (result.outcome === 'download') {
    const a = document.createElement('a');
    a.href = client.packageDownloadUrl(result.downloadId);
    a.download = result.fileName;
    a.click();
  }
  return result;
}

/** Imports a package: `'pick'` lets the desktop host ask for the file; a File (browser mode) is uploaded first. */
export async function importPackage(client: StudioClient, source: File | 'pick', options: TransferOptions = {}): Promise<ImportResult> {
  if (source === 'pick') return job(client, options, (jobId) => client.call('packages.import', { jobId, source: { kind: 'pick' } }));
  const sessionId = await upload(client, source, options);
  return job(client, options, (jobId) => client.call('packages.import', { jobId, source: { kind: 'upload', sessionId } }));
}

async function upload(client: StudioClient, file: File, options: TransferOptions): Promise<string> {
  const { sessionId, chunkBytes } = await client.call('packages.uploadStart', { fileName: file.name, size: file.size });
  const read = (at: number) => file.slice(at, at + chunkBytes).arrayBuffer();
  try {
    // The next chunk is read while the current one is on its way: at most two chunks in memory.
    let next: Promise<ArrayBuffer> | null = read(0);
    for (let offset = 0; next; ) {
      const data: Uint8Array = new Uint8Array(await next);
      if (options.signal?.aborted) throw cancelled();
      if (data.byteLength === 0) throw new StudioError('INVALID_INPUT', 'The file changed while it was read', { fields: [{ path: 'package', code: 'package.sizeMismatch' }] });
      const end: number = offset + data.byteLength;
      next = end < file.size ? read(end) : null;
      await client.call('packages.uploadChunk', { sessionId, offset, data });
      offset = end;
      options.onProgress?.({ phase: 'upload', doneBytes: offset, totalBytes: file.size });
    }
    return sessionId;
  } catch (error) {
    await client.call('packages.cancel', { id: sessionId }).catch(() => undefined);
    throw error;
  }
}
