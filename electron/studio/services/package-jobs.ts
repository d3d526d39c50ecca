/**
 * Package export and import as cancellable jobs with progress, and the files they need in each shell:
 *
 * - desktop: the host asks the creator for a path (HostFilePicker, Electron's save/open dialogs) and streams the
 *   package straight to or from that file;
 * - browser: a page cannot hand the host a path, so an export is written under `<dataDir>/tmp/packages/` and fetched
 *   once through the loopback download route (then removed), and an import is uploaded first in chunks
 *   (`packages.uploadStart` / `packages.uploadChunk`, raw bytes like `media.importChunk`) into a part file there,
 *   which the import consumes and removes whatever its outcome.
 *
 * Everything under `tmp/packages/` belongs to a running job, an open upload or an unfetched download; it is removed
 * when they end, expire (idle uploads, unfetched downloads) or the host closes, and at the next start after a kill.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError, type HandlerInput, type MethodOutput } from '../../../shared/contract/index';
import { PACKAGE_MAX_BYTES, PACKAGE_UPLOAD_CHUNK_BYTES } from '../../../shared/contract/library';
import { cancelledError, type PackageProgress, type PackageService } from './packages';

/** Native file dialogs, provided by the Electron main process; absent in browser mode. */
export interface HostFilePicker {
  /** Asks where to save a file offered as `suggestedName`; null when the creator dismisses the dialog. */
  chooseSavePath(suggestedName: string): Promise<string | null>;
  /** Asks for a course package to open; null when dismissed. */
  chooseOpenPath(): Promise<string | null>;
}

interface Upload {
  id: string;
  file: string;
  size: number;
  received: number;
  handle: fs.promises.FileHandle;
  busy: boolean;
  lastActive: number;
}

interface Download {
  file: string;
  fileName: string;
  timer: ReturnType<typeof setTimeout>;
}

export interface PackageJobsOptions {
  dataDir: string;
  files: HostFilePicker | null;
  /** Tells every window how a job is doing (the `packages.progressed` event). */
  progressed: (jobId: string, progress: PackageProgress) => void;
  /** Idle uploads and unfetched downloads are removed after this long. */
  idleMs?: number;
}

function packageProblem(code: string, message: string, details?: StudioError['details']): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'package', code: `package.${code}` }], ...(details ? { details } : {}) });
}

export class PackageJobs {
  private readonly jobs = new Map<string, AbortController>();
  private readonly uploads = new Map<string, Upload>();
  private readonly downloads = new Map<string, Download>();
  private readonly dir: string;
  private readonly idleMs: number;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly options: PackageJobsOptions) {
    this.dir = path.join(options.dataDir, 'tmp', 'packages');
    this.idleMs = options.idleMs ?? 10 * 60 * 1000;
    // Left by a killed process: no job, upload or download can refer to them any more.
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.sweeper = setInterval(() => void this.expireIdle(), Math.min(60_000, this.idleMs));
    this.sweeper.unref();
  }

  async export(packages: PackageService, { courseId, jobId }: HandlerInput<'packages.export'>): Promise<MethodOutput<'packages.export'>> {
    const fileName = packages.fileNameOf(courseId);
    // The job exists from the start, so a cancel while the save dialog is open stops it before anything is written.
    return this.run(jobId, async (signal) => {
      let target: string;
      if (this.options.files) {
        const chosen = await this.options.files.chooseSavePath(fileName);
        if (!chosen) return { outcome: 'dismissed' };
        if (signal.aborted) throw cancelledError();
        target = path.resolve(chosen);
      } else {
        target = path.join(this.dir, `${jobId}.zip`);
      }
      const result = await packages.exportTo(courseId, target, { signal, onProgress: this.reporter(jobId) });
      if (this.options.files) return { outcome: 'saved', fileName: path.basename(target), size: result.size, path: target };
      const timer = setTimeout(() => this.dropDownload(jobId), this.idleMs);
      timer.unref();
      this.downloads.set(jobId, { file: target, fileName, timer });
      return { outcome: 'download', fileName, size: result.size, downloadId: jobId };
    });
  }

  async import(packages: PackageService, { jobId, source }: HandlerInput<'packages.import'>): Promise<MethodOutput<'packages.import'>> {
    if (source.kind === 'pick') {
      const files = this.options.files;
      if (!files) throw new StudioError('INVALID_INPUT', 'This shell has no file dialog; upload the package instead', { fields: [{ path: 'source', code: 'package.noPicker' }] });
      return this.run(jobId, async (signal) => {
        const chosen = await files.chooseOpenPath();
        if (!chosen) return { outcome: 'dismissed' };
        if (signal.aborted) throw cancelledError();
        return { outcome: 'imported', ...(await packages.importFile(chosen, { signal, onProgress: this.reporter(jobId) })) };
      });
    }
    const upload = this.upload(source.sessionId);
    if (upload.received !== upload.size) {
      throw packageProblem('incomplete', `Received ${upload.received} of ${upload.size} bytes`, { received: upload.received, size: upload.size });
    }
    this.uploads.delete(upload.id);
    try {
      await upload.handle.close();
      const result = await this.run(jobId, (signal) => packages.importFile(upload.file, { signal, onProgress: this.reporter(jobId) }));
      return { outcome: 'imported', ...result };
    } finally {
      fs.rmSync(upload.file, { force: true });
    }
  }

  async uploadStart({ size }: HandlerInput<'packages.uploadStart'>): Promise<MethodOutput<'packages.uploadStart'>> {
    if (size > PACKAGE_MAX_BYTES) throw packageProblem('tooLarge', `Packages are limited to ${PACKAGE_MAX_BYTES} bytes`, { size, limit: PACKAGE_MAX_BYTES });
    const id = randomBytes(16).toString('base64url');
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${id}.upload`);
    const handle = await fs.promises.open(file, 'wx');
    this.uploads.set(id, { id, file, size, received: 0, handle, busy: false, lastActive: Date.now() });
    return { sessionId: id, chunkBytes: PACKAGE_UPLOAD_CHUNK_BYTES };
  }

  async uploadChunk({ sessionId, offset, data }: HandlerInput<'packages.uploadChunk'>): Promise<MethodOutput<'packages.uploadChunk'>> {
    const upload = this.upload(sessionId);
    if (offset !== upload.received) {
      throw new StudioError('CONFLICT', `Expected the chunk at ${upload.received}, got ${offset}`, { details: { received: upload.received } });
    }
    if (upload.received + data.byteLength > upload.size) throw packageProblem('sizeMismatch', `The file is longer than the ${upload.size} bytes announced`);
    upload.busy = true;
    upload.lastActive = Date.now();
    try {
      let written = 0;
      while (written < data.byteLength) {
        const { bytesWritten } = await upload.handle.write(data, written, data.byteLength - written, offset + written);
        written += bytesWritten;
      }
      upload.received += data.byteLength;
    } catch (error) {
      await this.dropUpload(upload);
      throw error;
    } finally {
      upload.busy = false;
    }
    // Cancelled while this chunk was being written: the cancel left the clean-up to us.
    if (!this.uploads.has(upload.id)) {
      await this.dropUpload(upload);
      throw new StudioError('NOT_FOUND', 'The upload was cancelled');
    }
    return { received: upload.received };
  }

  /** Cancels a running job or an open upload by its id (a finished job's answer has already gone out). */
  async cancel(id: string): Promise<{ cancelled: boolean }> {
    const job = this.jobs.get(id);
    if (job) {
      job.abort();
      return { cancelled: true };
    }
    const upload = this.uploads.get(id);
    if (upload) {
      this.uploads.delete(id);
      if (!upload.busy) await this.dropUpload(upload);
      return { cancelled: true };
    }
    return { cancelled: false };
  }

  /** An export waiting to be fetched (browser mode); `done` removes it once it has been sent. */
  download(id: string): { file: string; fileName: string; done: () => void } | null {
    const found = this.downloads.get(id);
    if (!found) return null;
    return { file: found.file, fileName: found.fileName, done: () => this.dropDownload(id) };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const job of this.jobs.values()) job.abort();
    await Promise.all([...this.uploads.values()].map((u) => this.dropUpload(u)));
    for (const id of [...this.downloads.keys()]) this.dropDownload(id);
  }

  private async run<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.jobs.has(jobId) || this.downloads.has(jobId)) throw new StudioError('CONFLICT', `Job ${jobId} already exists`);
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /** Progress events at most every percent of a job (and at each phase's start), not per buffer. */
  private reporter(jobId: string): (progress: PackageProgress) => void {
    let phase = '';
    let step = -1;
    return (progress) => {
      const now = progress.totalBytes > 0 ? Math.floor((progress.doneBytes / progress.totalBytes) * 100) : 100;
      if (progress.phase === phase && now === step) return;
      phase = progress.phase;
      step = now;
      this.options.progressed(jobId, progress);
    };
  }

  private upload(id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload) throw new StudioError('NOT_FOUND', 'No such upload (used, cancelled or expired)');
    if (upload.busy) throw new StudioError('CONFLICT', 'The previous chunk of this upload is still being written');
    return upload;
  }

  private async dropUpload(upload: Upload): Promise<void> {
    this.uploads.delete(upload.id);
    await upload.handle.close().catch(() => {});
    fs.rmSync(upload.file, { force: true });
  }

  private dropDownload(id: string): void {
    const found = this.downloads.get(id);
    if (!found) return;
    clearTimeout(found.timer);
    this.downloads.delete(id);
    fs.rmSync(found.file, { force: true });
  }

  private async expireIdle(): Promise<void> {
    const now = Date.now();
    for (const upload of this.uploads.values()) {
      if (!upload.busy && now - upload.lastActive > this.idleMs) await this.dropUpload(upload);
    }
  }
}
