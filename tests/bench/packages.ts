/**
 * Course package export and import with ~500 MB of video (`npm run bench:packages`): a video course of three H.264
 * MP4 lessons (2 × 200 MB, 1 × 100 MB) is exported through `packages.export` (the desktop path: the host writes the
 * zip where the save dialog says, hashing each file as it streams) and imported into an empty workspace twice —
 * from the picked file (desktop) and by chunked upload then import (browser mode's calls, through `host.dispatch`).
 *
 * `npm run bench:packages -- --zip64`: two 2.2 GB lessons instead, so the package passes 4 GiB and its second entry,
 * central directory and end records need zip64 — the same round trip with real offsets beyond 32 bits (~9 GB of disk).
 *
 * Peer: the same bytes read, SHA-256-hashed and written to another folder by a plain Node loop — the floor this disk
 * and CPU allow. The process's peak resident memory is printed at the end: streaming keeps it far below the package
 * size. The imported files are compared with the originals by hash. Prints figures and exits 0.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStudioHost, type StudioHost } from '../../electron/studio/host';
import type { HostFilePicker } from '../../electron/studio/services/package-jobs';
import type { Result } from '../../shared/contract/index';
import { defaultLessonTypeDetails } from '../../shared/domain/course-types';
import { mp4Parts, videoOptions } from '../helpers/media-files';
import { benchTempRoot } from './support/child-processes';
import { readHashWrite } from './support/copy-peer';

const MB = 1024 * 1024;
const CHUNK = 4 * MB;

async function writeMp4(file: string, payload: number, seed: number): Promise<void> {
  const parts = mp4Parts(videoOptions(1200, payload));
  const out = await fs.promises.open(file, 'w');
  await out.write(parts.before);
  const block = Buffer.alloc(MB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  for (let left = payload; left > 0; left -= block.length) {
    block.writeUInt32LE((left ^ seed) >>> 0, 0); // every megabyte differs, so no two files hash alike
    await out.write(block, 0, Math.min(left, block.length));
  }
  await out.write(parts.after);
  await out.close();
}

async function ok<T>(result: Promise<Result<unknown>>, what: string): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** Sends a file to `method`'s chunk calls the way the renderer does (4 MB chunks). */
async function sendChunks(host: StudioHost, method: 'media.importChunk' | 'packages.uploadChunk', sessionId: string, file: string): Promise<void> {
  const size = fs.statSync(file).size;
  const buffer = Buffer.alloc(CHUNK);
  const handle = await fs.promises.open(file, 'r');
  for (let offset = 0; offset < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
    await ok(host.dispatch(method, { sessionId, offset, data: buffer.subarray(0, bytesRead) }), method);
    offset += bytesRead;
  }
  await handle.close();
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function timed(label: string, bytes: number, run: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mbps = bytes / MB / seconds;
  console.log(`${label.padEnd(52)} ${seconds.toFixed(2).padStart(6)} s  ${mbps.toFixed(0).padStart(5)} MB/s`);
  return mbps;
}

function picker(outDir: string, open: () => string | null): HostFilePicker {
  return { chooseSavePath: (name) => Promise.resolve(path.join(outDir, name)), chooseOpenPath: () => Promise.resolve(open()) };
}

async function main(root: string): Promise<void> {
  const sourceDir = path.join(root, 'source');
  const outDir = path.join(root, 'out');
  fs.mkdirSync(sourceDir);
  fs.mkdirSync(outDir);
  const sizes = process.argv.includes('--zip64') ? [2200 * MB, 2200 * MB] : [200 * MB, 200 * MB, 100 * MB];
  const files = sizes.map((_, i) => path.join(sourceDir, `lesson-${i + 1}.mp4`));
  for (const [i, size] of sizes.entries()) await writeMp4(files[i]!, size, i + 1);
  const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  console.log(`packages: a video course with ${files.length} lessons, ${(bytes / MB).toFixed(0)} MB of media`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, temp ${os.tmpdir()}`);

  const peerDir = path.join(root, 'peer');
  fs.mkdirSync(peerDir);
  const peerMbps = await timed('peer: read + sha256 + write (plain Node)', bytes, () => readHashWrite(files, peerDir, CHUNK));
  fs.rmSync(peerDir, { recursive: true, force: true });

  // The source workspace: the videos through the media library, one course using them (not timed).
  const source = createStudioHost({ dataDir: path.join(root, 'source-ws'), shell: 'desktop', files: picker(outDir, () => null) });
  const lessons = [];
  for (const file of files) {
    const { sessionId } = await ok<{ sessionId: string }>(source.dispatch('media.importStart', { fileName: path.basename(file), size: fs.statSync(file).size }), 'importStart');
    await sendChunks(source, 'media.importChunk', sessionId, file);
    const { item } = await ok<{ item: { hash: string } }>(source.dispatch('media.importFinish', { sessionId }), 'importFinish');
    lessons.push({ id: `l${lessons.length + 1}`, title: path.basename(file), typeDetails: { ...defaultLessonTypeDetails(), mediaHash: item.hash } });
  }
  const created = await ok<{ id: string; version: number }>(source.dispatch('courses.create', { title: '基准视频课', type: 'video', priceFen: 100 }), 'create');
  const full = await ok<Record<string, unknown>>(source.dispatch('courses.get', { id: created.id }), 'get');
  const { version, createdAt: _c, updatedAt: _u, ...document } = full;
  await ok(source.dispatch('courses.save', { ...document, baseVersion: version, chapters: [{ id: 'c1', title: '全部', lessons }] }), 'save');

  let packageFile = '';
  const exportMbps = await timed('export: packages.export to a chosen file', bytes, async () => {
    const out = await ok<{ outcome: string; path: string }>(source.dispatch('packages.export', { courseId: created.id, jobId: 'bench-export-1' }), 'export');
    packageFile = out.path;
  });
  await source.close();
  console.log(`package: ${(fs.statSync(packageFile).size / MB).toFixed(1)} MB`);

  const picked = createStudioHost({ dataDir: path.join(root, 'picked-ws'), shell: 'desktop', files: picker(outDir, () => packageFile) });
  const pickMbps = await timed('import: picked file (desktop)', bytes, async () => {
    await ok(picked.dispatch('packages.import', { jobId: 'bench-import-1', source: { kind: 'pick' } }), 'import');
  });
  await picked.close();
  fs.rmSync(path.join(root, 'picked-ws'), { recursive: true, force: true });

  const uploaded = createStudioHost({ dataDir: path.join(root, 'upload-ws'), shell: 'browser' });
  const uploadMbps = await timed('import: chunked upload + import (browser mode calls)', bytes, async () => {
    const { sessionId } = await ok<{ sessionId: string }>(uploaded.dispatch('packages.uploadStart', { fileName: 'p.zip', size: fs.statSync(packageFile).size }), 'uploadStart');
    await sendChunks(uploaded, 'packages.uploadChunk', sessionId, packageFile);
    await ok(uploaded.dispatch('packages.import', { jobId: 'bench-import-2', source: { kind: 'upload', sessionId } }), 'import');
  });
  const same = await Promise.all(lessons.map(async (l, i) => (await sha256File(uploaded.mediaFile(l.typeDetails.mediaHash!)!.file)) === (await sha256File(files[i]!))));
  console.log(`imported media identical to the originals: ${same.every(Boolean) ? 'yes' : 'NO'}`);
  await uploaded.close();

  console.log(`ratio to peer: export ${(exportMbps / peerMbps).toFixed(2)}, picked import ${(pickMbps / peerMbps).toFixed(2)}, upload + import ${(uploadMbps / peerMbps).toFixed(2)}`);
  console.log(`peak resident memory of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (package ${(fs.statSync(packageFile).size / MB).toFixed(0)} MB)`);
}

const root = benchTempRoot('creator-studio-bench-packages-');
try {
  await main(root);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
