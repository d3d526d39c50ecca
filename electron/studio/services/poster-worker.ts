/**
 * A batch-export worker thread: receives the document once, then one person at a time; paints, encodes and writes
 * that person's poster (poster-batch.ts explains the write) and answers with the outcome.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Image } from '@napi-rs/canvas';
import { decodeImage, drawPoster, encodePoster, type ImageSourceRef, type PosterFormat } from './poster-render';
import { registerPreviewFonts } from './preview-render';
import type { WorkerReply, WorkerRequest } from './poster-batch';
import type { BrandKit, PosterDocument } from '../../../shared/poster/index';

interface State {
  doc: PosterDocument;
  brand: BrandKit;
  format: PosterFormat;
  quality: number;
  images: Map<string, Image>;
  avatarId: string[];
}

let state: State | null = null;

async function load(ref: ImageSourceRef): Promise<Image | null> {
  const bytes = ref.kind === 'bytes' ? ref.data : await fs.promises.readFile(ref.path).catch(() => null);
  return bytes ? decodeImage(bytes) : null;
}

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

async function render(req: Extract<WorkerRequest, { type: 'render' }>, s: State): Promise<WorkerReply> {
  const images = new Map(s.images);
  if (req.avatar && s.avatarId.length) {
    const avatar = await load(req.avatar);
    if (avatar) for (const id of s.avatarId) images.set(id, avatar);
  }
  const qrPayloads = new Map<string, string>();
  for (const el of s.doc.elements) {
    if (el.type !== 'qr') continue;
    const payload = el.content.kind === 'text' ? el.content.text : req.qrPayload;
    if (payload) qrPayloads.set(el.id, payload);
  }
  const data = encodePoster(drawPoster({ doc: s.doc, brand: s.brand, values: req.values, images, qrPayloads }), s.format, s.quality);
  const part = `${req.file}.part`;
  try {
    await fs.promises.writeFile(part, data, { flag: 'wx' });
  } catch {
    return { type: 'done', index: req.index, ok: false, code: 'file.notWritable' };
  }
  try {
    // link() never replaces an existing file: a file that appeared since the names were planned is kept.
    await fs.promises.link(part, req.file);
    return { type: 'done', index: req.index, ok: true };
  } catch {
    return { type: 'done', index: req.index, ok: false, code: 'file.exists' };
  } finally {
    await fs.promises.rm(part, { force: true });
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  if (req.type === 'init') {
    void (async () => {
      registerPreviewFonts(req.fontDir);
      const images = new Map<string, Image>();
      for (const [id, ref] of req.commonImages) {
        const image = await load(ref);
        if (image) images.set(id, image);
      }
      const avatarId = req.doc.elements.filter((el) => el.type === 'image' && el.source.kind === 'avatar').map((el) => el.id);
      state = { doc: req.doc, brand: req.brand, format: req.format, quality: req.quality, images, avatarId };
      reply({ type: 'ready' });
    })();
    return;
  }
  const s = state;
  if (!s) return;
  render(req, s).then(reply, () => reply({ type: 'done', index: req.index, ok: false, code: 'render.failed' }));
});
