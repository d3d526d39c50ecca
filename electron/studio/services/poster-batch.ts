/**
 * Batch personalization: one poster per person, painted and encoded in worker threads (poster-worker.ts) — two at
 * most, the machine's cores being shared with the studio itself — while this side plans file names, fetches each
 * person's tracking QR content (which may ask the companion), feeds the workers and reports progress.
 *
 * Files appear whole or not at all: a worker writes `<name>.part` and hard-links it to the final name, which fails
 * rather than overwrite; names are made unique against the batch and against files already in the folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../../../shared/contract/index';
import { fileNameFromPattern, uniqueNames, type BatchPerson, type BrandKit, type PosterDocument } from '../../../shared/poster/index';
import type { BatchProgress } from '../../../shared/poster/contract';
import { FORMAT_INFO, type ImageSourceRef, type PosterFormat } from './poster-render';
import { findPreviewFontDir } from './preview-render';

export interface BatchSpec {
  posterId: string;
  doc: PosterDocument;
  brand: BrandKit;
  people: BatchPerson[];
  outputDir: string;
  pattern: string;
  format: PosterFormat;
  /** Images that are the same on every poster (media files, the logo), by element id. */
  commonImages: Map<string, ImageSourceRef>;
  avatarOf(values: Record<string, string>): ImageSourceRef | null;
  /** The tracking QR content for one person; null when the poster has no tracking QR. */
  payloadOf: ((values: Record<string, string>) => Promise<string>) | null;
}

/** Messages to a worker. */
export type WorkerRequest =
  | { type: 'init'; doc: PosterDocument; brand: BrandKit; fontDir: string; format: PosterFormat; quality: number; commonImages: [string, ImageSourceRef][] }
  | { type: 'render'; index: number; values: Record<string, string>; avatar: ImageSourceRef | null; qrPayload: string | null; file: string };

/** Messages from a worker. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; index: number; ok: true } | { type: 'done'; index: number; ok: false; code: string };

export const BATCH_WORKERS = Math.max(1, Math.min(2, os.availableParallelism()));
const IN_FLIGHT_PER_WORKER = 2;
const PROGRESS_INTERVAL_MS = 100;
const MAX_ERRORS = 20;

/**
 * How to start a worker: the built file beside the bundle, or — when running from the TypeScript sources (tests, `tsx`
 * scripts) — a small bootstrap that registers tsx's loader in the thread first (worker threads do not inherit it).
 */
function workerEntry(): { script: string; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) {
    // The bundler may put this code in a chunk folder below the entry (out/node/assets/…): look beside it and above.
    const candidates = [path.dirname(here), path.dirname(path.dirname(here))].map((dir) => path.join(dir, 'poster-worker.js'));
    return { script: candidates.find((file) => fs.existsSync(file)) ?? candidates[0]!, eval: false };
  }
  // The ESM entry of tsx's API (require.resolve would give its CommonJS one, which cannot register ESM hooks).
  const tsx = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const worker = pathToFileURL(path.join(path.dirname(here), 'poster-worker.ts')).href;
  return { script: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`, eval: true };
}

/** File names for every person: the pattern filled in, unique in the batch, never the name of a file already there. */
export function planFileNames(people: readonly BatchPerson[], pattern: string, dir: string, ext: string): string[] {
  const names = uniqueNames(people.map((p, i) => fileNameFromPattern(pattern, p.values, i + 1)));
  const taken = new Set(names.map((n) => n.toLowerCase()));
  return names.map((name) => {
    let candidate = name;
    for (let k = 2; fs.existsSync(path.join(dir, `${candidate}.${ext}`)); k++) {
      candidate = `${name} (${k})`;
      // A suffixed name must not collide with another person's planned name either.
      if (taken.has(candidate.toLowerCase())) continue;
    }
    taken.add(candidate.toLowerCase());
    return path.join(dir, `${candidate}.${ext}`);
  });
}

interface Job {
  progress: BatchProgress;
  cancelled: boolean;
  workers: Worker[];
  inFlight: Map<number, string>;
  finished: Promise<BatchProgress>;
}

export class BatchRunner {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly emit: (progress: BatchProgress) => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Starts a batch and answers at once; progress arrives through `emit`. */
  start(spec: BatchSpec): { jobId: string; total: number; outputDir: string } {
    if ([...this.jobs.values()].some((j) => j.progress.state === 'running')) {
      throw new StudioError('CONFLICT', 'A batch export is already running', { fields: [{ path: 'id', code: 'batch.running' }] });
    }
    const jobId = `b${randomBytes(6).toString('hex')}`;
    const files = planFileNames(spec.people, spec.pattern, spec.outputDir, FORMAT_INFO[spec.format].ext);
    const job: Job = {
      progress: { jobId, posterId: spec.posterId, state: 'running', total: spec.people.length, done: 0, failed: 0, outputDir: spec.outputDir, errors: [] },
      cancelled: false,
      workers: [],
      inFlight: new Map(),
      finished: Promise.resolve(null as never),
    };
    this.jobs.set(jobId, job);
    job.finished = this.run(job, spec, files);
    return { jobId, total: spec.people.length, outputDir: spec.outputDir };
  }

  /** Resolves with the final progress of a job (tests and the benchmark wait on it). */
  wait(jobId: string): Promise<BatchProgress> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new StudioError('NOT_FOUND', `No batch ${jobId}`));
    return job.finished;
  }

  async cancel(jobId: string): Promise<BatchProgress> {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('NOT_FOUND', `No batch ${jobId}`);
    if (job.progress.state !== 'running') return job.progress;
    job.cancelled = true;
    return job.finished;
  }

  /** Stops every running batch (the host is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.cancel(id).catch(() => undefined)));
  }

  private async run(job: Job, spec: BatchSpec, files: string[]): Promise<BatchProgress> {
    const entry = workerEntry();
    let lastEmit = 0;
    const report = (force: boolean) => {
      const t = Date.now();
      if (!force && t - lastEmit < PROGRESS_INTERVAL_MS) return;
      lastEmit = t;
      this.emit({ ...job.progress, errors: [...job.progress.errors] });
    };
    const fail = (index: number, code: string) => {
      job.progress.failed++;
      if (job.progress.errors.length < MAX_ERRORS) {
        const person = spec.people[index]!;
        job.progress.errors.push({ line: person.line, name: person.values.nickname ?? '', code });
      }
    };
    const count = Math.min(BATCH_WORKERS, spec.people.length);
    let next = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        };
        const cancelTimer = setInterval(() => {
          if (job.cancelled) {
            clearInterval(cancelTimer);
            finish();
          }
        }, 20);
        const allDone = () => job.progress.done + job.progress.failed >= spec.people.length;
        const feed = async (worker: Worker) => {
          while (!job.cancelled && next < spec.people.length && [...job.inFlight.values()].filter((w) => w === worker.threadId.toString()).length < IN_FLIGHT_PER_WORKER) {
            const index = next++;
            const person = spec.people[index]!;
            const values = { ...spec.doc.sampleValues, ...person.values };
            job.inFlight.set(index, worker.threadId.toString());
            let qrPayload: string | null;
            try {
              qrPayload = spec.payloadOf ? await spec.payloadOf(values) : null;
            } catch {
              job.inFlight.delete(index);
              fail(index, 'qr.sceneFailed');
              report(false);
              if (allDone()) finish();
              continue;
            }
            if (job.cancelled) return;
            const request: WorkerRequest = { type: 'render', index, values, avatar: spec.avatarOf(values), qrPayload, file: files[index]! };
            worker.postMessage(request);
          }
        };
        for (let w = 0; w < count; w++) {
          const worker = new Worker(entry.script, { eval: entry.eval });
          job.workers.push(worker);
          worker.on('error', (error) => finish(error));
          worker.on('message', (reply: WorkerReply) => {
            if (reply.type === 'ready') {
              void feed(worker);
              return;
            }
            job.inFlight.delete(reply.index);
            if (reply.ok) job.progress.done++;
            else fail(reply.index, reply.code);
            report(false);
            if (allDone()) {
              clearInterval(cancelTimer);
              finish();
            } else void feed(worker);
          });
          const init: WorkerRequest = {
            type: 'init',
            doc: spec.doc,
            brand: spec.brand,
            fontDir: findPreviewFontDir(),
            format: spec.format,
            quality: 90,
            commonImages: [...spec.commonImages],
          };
          worker.postMessage(init);
        }
      });
      job.progress.state = job.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      job.progress.state = 'failed';
      this.log(`poster batch ${job.progress.jobId} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await Promise.all(job.workers.map((w) => w.terminate()));
      // A worker stopped mid-write leaves its temporary file: remove it (the final name was never linked).
      for (const index of job.inFlight.keys()) fs.rmSync(`${files[index]!}.part`, { force: true });
      job.inFlight.clear();
    }
    report(true);
    return job.progress;
  }
}
