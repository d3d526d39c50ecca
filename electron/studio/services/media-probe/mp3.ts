/**
 * MP3 (MPEG-1/2/2.5 audio, layers I–III): duration from the Xing/Info or VBRI header that encoders write into the
 * first frame, and otherwise by walking every frame header (frame lengths follow from bitrate, rate and padding).
 * No decoding: a waveform for MP3 would need a decoder, so none is made.
 */
import { ProbeError, emptyMeta, readExact, type ByteSource, type ProbeResult } from './source';

export interface FrameHeader {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrate: number;
  sampleRate: number;
  padding: number;
  channels: 1 | 2;
  length: number;
  samples: number;
}

const BITRATES: Record<string, number[]> = {
  'v1l1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  'v1l2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  'v1l3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  'v2l1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  'v2l2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<string, number[]> = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] };

/** Decodes a 4-byte MPEG audio frame header, or null when the bytes are not one (free-format bitrate is refused). */
export function parseFrameHeader(b: Buffer, at = 0): FrameHeader | null {
  if (b.length < at + 4) return null;
  const h = b.readUInt32BE(at);
  if ((h & 0xffe00000) >>> 0 !== 0xffe00000) return null;
  const versionBits = (h >>> 19) & 3;
  const layerBits = (h >>> 17) & 3;
  const bitrateIndex = (h >>> 12) & 15;
  const rateIndex = (h >>> 10) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table = version === 1 ? `v1l${layer}` : layer === 1 ? 'v2l1' : 'v2l2';
  const bitrate = BITRATES[table]![bitrateIndex]! * 1000;
  const sampleRate = RATES[String(version)]![rateIndex]!;
  const padding = (h >>> 9) & 1;
  const channels = ((h >>> 6) & 3) === 3 ? 1 : 2;
  let length: number;
  let samples: number;
  if (layer === 1) {
    length = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
    samples = 384;
  } else if (layer === 2 || version === 1) {
    length = Math.floor((144 * bitrate) / sampleRate) + padding;
    samples = 1152;
  } else {
    length = Math.floor((72 * bitrate) / sampleRate) + padding;
    samples = 576;
  }
  return { version, layer, bitrate, sampleRate, padding, channels, length, samples };
}

/** The size of an ID3v2 tag at `offset` (header, body and footer), or 0 when there is none. */
function id3Size(src: ByteSource, offset: number): number {
  const h = src.read(offset, 10);
  if (h.length < 3 || h.toString('latin1', 0, 3) !== 'ID3') return 0;
  if (h.length < 10) throw new ProbeError('media.truncated', 'The file ends inside its ID3 tag header');
  if ((h[6]! | h[7]! | h[8]! | h[9]!) & 0x80) throw new ProbeError('media.corrupt', 'The ID3 tag size is not synchsafe');
  const body = (h[6]! << 21) | (h[7]! << 14) | (h[8]! << 7) | h[9]!;
  return 10 + body + (h[5]! & 0x10 ? 10 : 0);
}

export function looksLikeMp3(head: Buffer): boolean {
  return head.toString('latin1', 0, 3) === 'ID3' || parseFrameHeader(head) !== null;
}

const SYNC_SEARCH = 64 * 1024;

export function probeMp3(src: ByteSource): ProbeResult {
  // Some files carry more than one ID3v2 tag back to back.
  let start = 0;
  for (let tag = id3Size(src, 0); tag > 0; tag = id3Size(src, start)) {
    start += tag;
    if (start > src.size) throw new ProbeError('media.truncated', 'The file ends inside its ID3 tag');
  }
  const first = findFirstFrame(src, start);
  const header = first.header;
  const audioEnd = src.size - (src.read(src.size - 128, 3).toString('latin1') === 'TAG' ? 128 : 0);

  let frames: number | null = null;
  let bytes: number | null = null;
  const firstFrame = readExact(src, first.offset, Math.min(header.length, audioEnd - first.offset), 'the first MP3 frame');
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xingAt = 4 + sideInfo;
  const tag = firstFrame.toString('latin1', xingAt, xingAt + 4);
  if ((tag === 'Xing' || tag === 'Info') && firstFrame.length >= xingAt + 8) {
    const flags = firstFrame.readUInt32BE(xingAt + 4);
    let at = xingAt + 8;
    if (flags & 1 && firstFrame.length >= at + 4) {
      frames = firstFrame.readUInt32BE(at);
      at += 4;
    }
    if (flags & 2 && firstFrame.length >= at + 4) bytes = firstFrame.readUInt32BE(at);
  } else if (firstFrame.toString('latin1', 36, 40) === 'VBRI' && firstFrame.length >= 36 + 18) {
    bytes = firstFrame.readUInt32BE(36 + 10);
    frames = firstFrame.readUInt32BE(36 + 14);
  }

  let durationMs: number;
  let bitrate: number;
  if (frames !== null && frames > 0) {
    const seconds = (frames * header.samples) / header.sampleRate;
    durationMs = Math.round(seconds * 1000);
    bitrate = Math.round(((bytes ?? audioEnd - first.offset) * 8) / seconds);
  } else {
    const scan = scanFrames(src, first.offset, audioEnd);
    durationMs = Math.round((scan.samples / header.sampleRate) * 1000);
    bitrate = scan.samples > 0 ? Math.round((scan.bytes * 8) / (scan.samples / header.sampleRate)) : header.bitrate;
  }
  return {
    ...emptyMeta,
    kind: 'audio',
    format: 'mp3',
    mime: 'audio/mpeg',
    ext: 'mp3',
    durationMs,
    codec: header.layer === 3 ? 'mp3' : `mp${header.layer}`,
    bitrate,
    sampleRate: header.sampleRate,
    channels: header.channels,
  };
}

/**
 * The first frame: a valid header whose successor (at the length it implies) is a valid header too, or the end of
 * the audio — two in a row rule out the stray 0xFFE bit patterns that tag data and junk are full of.
 */
function findFirstFrame(src: ByteSource, from: number): { offset: number; header: FrameHeader } {
  const window = src.read(from, SYNC_SEARCH + 4);
  if (window.length < 4) throw new ProbeError('media.truncated', 'The file ends before its first MPEG audio frame');
  for (let i = 0; i + 4 <= window.length; i++) {
    if (window[i] !== 0xff) continue;
    const header = parseFrameHeader(window, i);
    if (!header) continue;
    const next = from + i + header.length;
    if (next + 4 > src.size) {
      if (next <= src.size) return { offset: from + i, header };
      continue;
    }
    const nextHeader = parseFrameHeader(src.read(next, 4));
    if (nextHeader && nextHeader.sampleRate === header.sampleRate && nextHeader.layer === header.layer) {
      return { offset: from + i, header };
    }
  }
  throw new ProbeError('media.corrupt', 'No MPEG audio frame found');
}

/** Walks every frame; stops at the first thing that is not one (a trailing tag, junk, or a cut-off last frame). */
function scanFrames(src: ByteSource, from: number, end: number): { samples: number; bytes: number } {
  let offset = from;
  let samples = 0;
  let bytes = 0;
  while (offset + 4 <= end) {
    const header = parseFrameHeader(src.read(offset, 4));
    if (!header || offset + header.length > end) break;
    samples += header.samples;
    bytes += header.length;
    offset += header.length;
  }
  return { samples, bytes };
}
