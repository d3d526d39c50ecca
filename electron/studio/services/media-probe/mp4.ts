/**
 * ISO base media (MP4, M4A, MOV): walks the box tree — `ftyp` for the brand, `moov/mvhd` for the duration, each
 * `trak`'s `tkhd` (display size), `mdia/mdhd` (its own duration), `hdlr` (video or sound) and `stsd` (the codec's
 * four-character code; for `mp4a` the audio object type from `esds`, written RFC 6381 style as `mp4a.40.2`).
 * The moov box is often at the end of the file (after mdat); the source reads it there without loading the middle.
 */
import { ProbeError, emptyMeta, readExact, type ByteSource, type ProbeResult } from './source';

interface Box {
  type: string;
  /** Where the box starts and where its payload starts and ends. */
  start: number;
  body: number;
  end: number;
}

interface Track {
  handler: string;
  codec: string | null;
  width: number | null;
  height: number | null;
  timescale: number;
  duration: number;
  sampleRate: number | null;
  channels: number | null;
}

const MAX_BOXES = 20_000;

export function looksLikeMp4(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp';
}

function* children(src: ByteSource, start: number, end: number, counter: { n: number }): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    if (++counter.n > MAX_BOXES) throw new ProbeError('media.corrupt', `More than ${MAX_BOXES} boxes`);
    const h = readExact(src, offset, 8, 'a box header');
    let size = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    let body = offset + 8;
    if (size === 1) {
      const large = readExact(src, offset + 8, 8, 'a 64-bit box size').readBigUInt64BE(0);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProbeError('media.corrupt', `Box ${type} is impossibly large`);
      size = Number(large);
      body += 8;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < body - offset) throw new ProbeError('media.corrupt', `Box ${JSON.stringify(type)} has size ${size}`);
    if (offset + size > end) {
      throw new ProbeError(
        end === src.size ? 'media.truncated' : 'media.corrupt',
        `Box ${JSON.stringify(type)} runs past the end of ${end === src.size ? 'the file' : 'its parent'}`,
      );
    }
    yield { type, start: offset, body, end: offset + size };
    offset += size;
  }
  if (offset < end && end === src.size && offset + 8 > end) {
    throw new ProbeError('media.truncated', 'The file ends inside a box header');
  }
}

function find(src: ByteSource, parent: Box, type: string, counter: { n: number }): Box | null {
  for (const box of children(src, parent.body, parent.end, counter)) if (box.type === type) return box;
  return null;
}

/** version-0 boxes use 32-bit times, version-1 boxes 64-bit ones. */
function timescaleAndDuration(src: ByteSource, box: Box, what: string): { timescale: number; duration: number } {
  const b = readExact(src, box.body, Math.min(box.end - box.body, 32), what);
  const version = b[0];
  if (version === 1) {
    if (b.length < 32) throw new ProbeError('media.corrupt', `${what} is too short`);
    return { timescale: b.readUInt32BE(20), duration: Number(b.readBigUInt64BE(24)) };
  }
  if (b.length < 20) throw new ProbeError('media.corrupt', `${what} is too short`);
  return { timescale: b.readUInt32BE(12), duration: b.readUInt32BE(16) };
}

export function probeMp4(src: ByteSource): ProbeResult {
  const counter = { n: 0 };
  let brand = '';
  let moov: Box | null = null;
  for (const box of children(src, 0, src.size, counter)) {
    if (box.type === 'ftyp') brand = readExact(src, box.body, 4, 'the ftyp brand').toString('latin1');
    else if (box.type === 'moov') moov = box;
  }
  if (!moov) throw new ProbeError('media.truncated', 'No moov box: the file is incomplete or still being written');

  let movie: { timescale: number; duration: number } | null = null;
  const tracks: Track[] = [];
  for (const box of children(src, moov.body, moov.end, counter)) {
    if (box.type === 'mvhd') movie = timescaleAndDuration(src, box, 'the mvhd box');
    else if (box.type === 'trak') tracks.push(readTrack(src, box, counter));
  }
  if (!movie || movie.timescale === 0) throw new ProbeError('media.corrupt', 'No usable mvhd box');

  const video = tracks.find((t) => t.handler === 'vide');
  const audio = tracks.find((t) => t.handler === 'soun');
  if (!video && !audio) throw new ProbeError('media.corrupt', 'No audio or video track');

  let seconds = movie.duration / movie.timescale;
  // Fragmented files leave mvhd's duration at 0; the longest track then says how long it is.
  if (seconds === 0) seconds = Math.max(0, ...tracks.map((t) => (t.timescale ? t.duration / t.timescale : 0)));
  const durationMs = seconds > 0 ? Math.round(seconds * 1000) : null;
  const bitrate = seconds > 0 ? Math.round((src.size * 8) / seconds) : null;
  const quicktime = brand === 'qt  ';

  if (video) {
    return {
      ...emptyMeta,
      kind: 'video',
      format: quicktime ? 'mov' : 'mp4',
      mime: quicktime ? 'video/quicktime' : 'video/mp4',
      ext: quicktime ? 'mov' : 'mp4',
      width: video.width,
      height: video.height,
      durationMs,
      codec: video.codec,
      audioCodec: audio?.codec ?? null,
      bitrate,
      sampleRate: audio?.sampleRate ?? null,
      channels: audio?.channels ?? null,
    };
  }
  return {
    ...emptyMeta,
    kind: 'audio',
    format: 'm4a',
    mime: 'audio/mp4',
    ext: 'm4a',
    durationMs,
    codec: audio!.codec,
    bitrate,
    sampleRate: audio!.sampleRate,
    channels: audio!.channels,
  };
}

function readTrack(src: ByteSource, trak: Box, counter: { n: number }): Track {
  const track: Track = { handler: '', codec: null, width: null, height: null, timescale: 0, duration: 0, sampleRate: null, channels: null };
  for (const box of children(src, trak.body, trak.end, counter)) {
    if (box.type === 'tkhd') {
      const b = readExact(src, box.body, Math.min(box.end - box.body, 96), 'the tkhd box');
      // After version/flags: times, track id and duration (20 or 32 bytes), 16 reserved/layer/volume bytes, a 36-byte matrix.
      const at = b[0] === 1 ? 88 : 76;
      if (b.length < at + 8) throw new ProbeError('media.corrupt', 'The tkhd box is too short');
      // 16.16 fixed point.
      track.width = Math.round(b.readUInt32BE(at) / 65536);
      track.height = Math.round(b.readUInt32BE(at + 4) / 65536);
    } else if (box.type === 'mdia') {
      for (const m of children(src, box.body, box.end, counter)) {
        if (m.type === 'mdhd') Object.assign(track, timescaleAndDuration(src, m, 'the mdhd box'));
        else if (m.type === 'hdlr') track.handler = readExact(src, m.body + 8, 4, 'the hdlr box').toString('latin1');
        else if (m.type === 'minf') {
          const stbl = find(src, m, 'stbl', counter);
          const stsd = stbl && find(src, stbl, 'stsd', counter);
          if (stsd) readSampleDescription(src, stsd, track, counter);
        }
      }
    }
  }
  return track;
}

function readSampleDescription(src: ByteSource, stsd: Box, track: Track, counter: { n: number }): void {
  // Full box (4) + entry count (4), then the first sample entry.
  const entries = children(src, stsd.body + 8, stsd.end, counter);
  const entry = entries.next().value;
  if (!entry) return;
  track.codec = entry.type.trim() || null;
  if (track.handler === 'vide') {
    const b = src.read(entry.start + 32, 4);
    if (b.length === 4 && (!track.width || !track.height)) {
      track.width = b.readUInt16BE(0);
      track.height = b.readUInt16BE(2);
    }
  } else if (track.handler === 'soun') {
    const b = src.read(entry.start + 24, 12);
    if (b.length === 12) {
      track.channels = b.readUInt16BE(0);
      track.sampleRate = b.readUInt32BE(8) >>> 16 || track.timescale || null;
    }
    if (entry.type === 'mp4a') {
      // Sound sample entry version 0 is 36 bytes before its child boxes; versions 1 and 2 (QuickTime) add 16 or 36.
      const version = src.read(entry.start + 16, 2);
      const extra = version.length === 2 ? [0, 16, 36][version.readUInt16BE(0)] ?? 0 : 0;
      for (const child of children(src, entry.start + 36 + extra, entry.end, counter)) {
        if (child.type === 'esds') {
          const esds = readEsds(src.read(child.body + 4, Math.min(child.end - child.body - 4, 128)));
          if (esds) track.codec = esds.codec;
          // The sample entry often says 2 channels whatever the stream holds; AudioSpecificConfig says the truth.
          if (esds?.channels) track.channels = esds.channels;
        }
      }
    }
  }
}

/**
 * Reads ES_Descriptor → DecoderConfigDescriptor (→ DecoderSpecificInfo, the AudioSpecificConfig) and names the codec
 * RFC 6381 style, with the channel configuration (1–6; 7 means 8 channels) when the config gives one.
 */
function readEsds(b: Buffer): { codec: string; channels: number | null } | null {
  let i = 0;
  const length = (): number => {
    let n = 0;
    for (let k = 0; k < 4 && i < b.length; k++) {
      const byte = b[i++]!;
      n = (n << 7) | (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    return n;
  };
  if (b[i++] !== 0x03) return null;
  length();
  i += 2;
  const flags = b[i++] ?? 0;
  if (flags & 0x80) i += 2;
  if (flags & 0x40) i += 1 + (b[i] ?? 0);
  if (flags & 0x20) i += 2;
  if (b[i++] !== 0x04) return null;
  length();
  const oti = b[i];
  if (oti === undefined) return null;
  i += 13;
  const hex = oti.toString(16);
  if (b[i++] !== 0x05) return { codec: `mp4a.${hex}`, channels: null };
  length();
  if (i + 2 > b.length) return { codec: `mp4a.${hex}`, channels: null };
  // 5 bits object type, 4 bits sampling frequency index (15: an explicit 24-bit rate follows), 4 bits channels.
  const bits = b.readUInt16BE(i);
  const aot = bits >> 11;
  const freqIndex = (bits >> 7) & 15;
  let config: number | null = (bits >> 3) & 15;
  if (freqIndex === 15) config = i + 5 <= b.length ? (b.readUInt32BE(i + 1) >> 3) & 15 : null;
  const channels = config === null || config === 0 || config > 7 ? null : config === 7 ? 8 : config;
  return { codec: aot ? `mp4a.${hex}.${aot}` : `mp4a.${hex}`, channels };
}
