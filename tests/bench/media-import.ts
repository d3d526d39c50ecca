/**
 * Importing 1 GB of media through the real import path (`npm run bench:media`): hashing, copying into the
 * content-addressed store and reading metadata (probes, image thumbnails, WAV peaks). Target ≥ 100 MB/s.
 *
 * The set, generated in a temp folder and removed afterwards: 2 × 300 MB and 3 × 80 MB H.264 MP4 (moov at the end,
 * as cameras write), 10 × 10 MB MP3 with a Xing header, 20 × 2 MB WAV, 20 × 1 MB MP3 without one (frame walk), and
 * 30 JPEG photos of 1600 × 1200 (thumbnails). Each file is sent the way the renderer sends it — importStart, 4 MB
 * importChunk calls, importFinish — twice: through `host.dispatch` (what the Electron IPC adapter calls) and through
 * the loopback HTTP adapter (browser mode, chunks as raw request bodies). Each pass starts on an empty workspace.
 *
 * Peer: the same bytes read, SHA-256-hashed and written to another folder by a plain Node loop with no studio around
 * it — the floor this disk and CPU allow. Prints figures and exits 0; a missed target is reported, not thrown.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas } from '@napi-rs/canvas';
import { BINARY_CALL_HEADER, HTTP_PATHS, type Result } from '../../shared/contract/index';
import { createStudioHost, type StudioHost } from '../../electron/studio/host';
import { startLoopbackServer } from '../../electron/studio/http/loopback-server';
import { mp3Bytes, mp4Parts, videoOptions, wavBytes } from '../helpers/media-files';
import { readHashWrite } from './support/copy-peer';

const MB = 1024 * 1024;
const TARGET_MBPS = 100;
const CHUNK = 4 * MB;

async function writeMp4(file: string, seconds: number, payload: number, seed: number): Promise<void> {
  const parts = mp4Parts(videoOptions(seconds, payload));
  const out = await fs.promises.open(file, 'w');
  await out.write(parts.before);
  const block = Buffer.alloc(MB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  for (let left = payload; left > 0; left -= block.length) {
    block.writeUInt32LE(left ^ seed, 0); // every megabyte differs, so no two files hash alike
    await out.write(block, 0, Math.min(left, block.length));
  }
  await out.write(parts.after);
  await out.close();
}

async function generate(dir: string): Promise<string[]> {
  const files: string[] = [];
  const add = (name: string) => {
    const file = path.join(dir, name);
    files.push(file);
    return file;
  };
  for (let i = 0; i < 2; i++) await writeMp4(add(`lesson-${i}.mp4`), 1800, 300 * MB, i);
  for (let i = 0; i < 3; i++) await writeMp4(add(`clip-${i}.mp4`), 480, 80 * MB, 10 + i);
  for (let i = 0; i < 10; i++) {
    // 10 MB at 128 kbps ≈ 24 000 frames, Xing header in front.
    fs.writeFileSync(add(`episode-${i}.mp3`), mp3Bytes({ frames: 24_000 + i, kbps: [128, 160, 96], header: 'xing', id3Bytes: 1000 + i }));
  }
  for (let i = 0; i < 20; i++) {
    fs.writeFileSync(add(`voice-${i}.wav`), wavBytes({ seconds: 62 + i / 10, sampleRate: 16000, channels: 1, tone: { hz: 200 + i, amplitude: 0.5 } }));
  }
  for (let i = 0; i < 20; i++) fs.writeFileSync(add(`cbr-${i}.mp3`), mp3Bytes({ frames: 2500 + i, kbps: [128] }));
  for (let i = 0; i < 30; i++) {
    const canvas = createCanvas(1600, 1200);
    const ctx = canvas.getContext('2d');
    const g = ctx.createLinearGradient(0, 0, 1600, 1200);
    g.addColorStop(0, `hsl(${i * 12}, 60%, 40%)`);
    g.addColorStop(1, `hsl(${i * 12 + 90}, 70%, 70%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 1600, 1200);
    for (let k = 0; k < 400; k++) {
      ctx.fillStyle = `hsl(${(k * 37 + i) % 360}, 80%, 50%)`;
      ctx.fillRect((k * 97) % 1600, (k * 61) % 1200, 40 + (k % 60), 30 + (k % 45));
    }
    fs.writeFileSync(add(`photo-${i}.jpg`), canvas.toBuffer('image/jpeg', 92));
  }
  return files;
}

type Call = (method: string, input: Record<string, unknown>) => Promise<Result<unknown>>;

async function importAll(files: string[], call: Call): Promise<void> {
  const buffer = Buffer.alloc(CHUNK);
  for (const file of files) {
    const size = fs.statSync(file).size;
    const start = await call('media.importStart', { fileName: path.basename(file), size });
    if (!start.ok) throw new Error(`importStart ${file}: ${JSON.stringify(start.error)}`);
    const { sessionId } = start.value as { sessionId: string };
    const handle = await fs.promises.open(file, 'r');
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
      const r = await call('media.importChunk', { sessionId, offset, data: buffer.subarray(0, bytesRead) });
      if (!r.ok) throw new Error(`importChunk ${file}: ${JSON.stringify(r.error)}`);
      offset += bytesRead;
    }
    await handle.close();
    const done = await call('media.importFinish', { sessionId });
    if (!done.ok) throw new Error(`importFinish ${file}: ${JSON.stringify(done.error)}`);
  }
}

async function timed(label: string, bytes: number, run: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mbps = bytes / MB / seconds;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(6)} s  ${mbps.toFixed(0).padStart(5)} MB/s`);
  return mbps;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-bench-media-'));
  try {
    const sourceDir = path.join(root, 'source');
    fs.mkdirSync(sourceDir);
    const t0 = Date.now();
    const files = await generate(sourceDir);
    const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    console.log(`media import: ${files.length} files, ${(bytes / MB).toFixed(0)} MB generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, temp ${os.tmpdir()}`);

    const peerDir = path.join(root, 'peer');
    fs.mkdirSync(peerDir);
    const peerMbps = await timed('peer: read + sha256 + write (plain Node)', bytes, () => readHashWrite(files, peerDir, CHUNK));
    fs.rmSync(peerDir, { recursive: true, force: true });

    const direct = createStudioHost({ dataDir: path.join(root, 'direct'), shell: 'desktop' });
    const directMbps = await timed('studio: host.dispatch (the IPC path)', bytes, () =>
      importAll(files, (method, input) => direct.dispatch(method, input)),
    );
    const listed = await direct.dispatch('media.list', { limit: 1 });
    await direct.close();
    fs.rmSync(path.join(root, 'direct'), { recursive: true, force: true });

    // The HTTP client runs in a child process, as the browser does: sharing this process's one thread with the server
    // would measure the client's work as the server's.
    const host: StudioHost = createStudioHost({ dataDir: path.join(root, 'http'), shell: 'browser' });
    const server = await startLoopbackServer({ host });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--http-client'], {
      env: { ...process.env, BENCH_URL: server.url, BENCH_TOKEN: server.token, BENCH_FILES: JSON.stringify(files) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let childOut = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (childOut += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the HTTP client exited with ${code}`);
    // Timed by the client from its first call to its last answer, so its own start-up is not counted.
    const httpSeconds = (JSON.parse(childOut.trim().split('\n').pop()!) as { seconds: number }).seconds;
    const httpMbps = bytes / MB / httpSeconds;
    console.log(`${'studio: loopback HTTP (browser mode)'.padEnd(44)} ${httpSeconds.toFixed(2).padStart(6)} s  ${httpMbps.toFixed(0).padStart(5)} MB/s`);
    await server.close();
    await host.close();

    const total = listed.ok ? (listed.value as { total: number }).total : -1;
    console.log(`stored ${total} of ${files.length} files`);
    console.log(`ratio to peer: IPC path ${(directMbps / peerMbps).toFixed(2)}, HTTP path ${(httpMbps / peerMbps).toFixed(2)}`);
    for (const [label, mbps] of [['IPC path', directMbps], ['HTTP path', httpMbps]] as const) {
      console.log(`${label}: ${mbps >= TARGET_MBPS ? 'meets' : 'MISSES'} the ${TARGET_MBPS} MB/s target`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The browser's side of the HTTP pass: the same calls as the renderer's transport makes. */
async function httpClient(): Promise<void> {
  const url = process.env.BENCH_URL!;
  const auth = { Authorization: `Bearer ${process.env.BENCH_TOKEN!}` };
  const t0 = process.hrtime.bigint();
  await importAll(JSON.parse(process.env.BENCH_FILES!) as string[], async (method, input) => {
    if ('data' in input) {
      const { data, ...rest } = input;
      const res = await fetch(`${url}${HTTP_PATHS.callBinary}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/octet-stream', [BINARY_CALL_HEADER]: encodeURIComponent(JSON.stringify({ method, input: rest })) },
        body: data as Buffer,
      });
      return (await res.json()) as Result<unknown>;
    }
    const res = await fetch(`${url}${HTTP_PATHS.call}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ method, input }) });
    return (await res.json()) as Result<unknown>;
  });
  console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
}

if (process.argv.includes('--http-client')) await httpClient();
else await main();
