/**
 * WAV (RIFF/WAVE): format, channels, rate and duration from the `fmt ` and `data` chunks, and a waveform of peaks
 * read straight from the PCM samples (no decoder needed, unlike MP3 or AAC, whose peaks would need one).
 */
import { ProbeError, emptyMeta, readExact, type ByteSource, type ProbeResult } from './source';

const PCM = 1;
const FLOAT = 3;
const ALAW = 6;
const MULAW = 7;
const EXTENSIBLE = 0xfffe;

export interface WavLayout {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
}

export function looksLikeWav(head: Buffer): boolean {
  return head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

export function readWavLayout(src: ByteSource): WavLayout {
  readExact(src, 0, 12, 'the RIFF header');
  let offset = 12;
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | null = null;
  // A sane WAV has a handful of chunks; the cap keeps a crafted file of empty chunks from spinning.
  for (let i = 0; i < 10_000 && offset + 8 <= src.size; i++) {
    const header = readExact(src, offset, 8, 'a RIFF chunk header');
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new ProbeError('media.corrupt', `The fmt chunk is ${size} bytes, under 16`);
      const f = readExact(src, body, Math.min(size, 40), 'the fmt chunk');
      let format = f.readUInt16LE(0);
      if (format === EXTENSIBLE && f.length >= 26) format = f.readUInt16LE(24);
      fmt = {
        format,
        channels: f.readUInt16LE(2),
        sampleRate: f.readUInt32LE(4),
        byteRate: f.readUInt32LE(8),
        blockAlign: f.readUInt16LE(12),
        bitsPerSample: f.readUInt16LE(14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new ProbeError('media.corrupt', 'The data chunk comes before the fmt chunk');
      // Streaming writers that never came back to fill in the size leave 0xFFFFFFFF: the data runs to the end.
      const dataBytes = size === 0xffffffff ? src.size - body : size;
      if (body + dataBytes > src.size) {
        throw new ProbeError('media.truncated', `The data chunk says ${dataBytes} bytes but the file has ${src.size - body}`);
      }
      if (fmt.channels === 0 || fmt.sampleRate === 0 || fmt.byteRate === 0 || fmt.blockAlign === 0) {
        throw new ProbeError('media.corrupt', 'The fmt chunk has a zero channel count, rate or block size');
      }
      return { ...fmt, dataOffset: body, dataBytes };
    }
    offset = body + size + (size % 2);
  }
  throw new ProbeError(fmt ? 'media.truncated' : 'media.corrupt', fmt ? 'No data chunk: the file is incomplete' : 'No fmt chunk');
}

export function probeWav(src: ByteSource): ProbeResult {
  const w = readWavLayout(src);
  return {
    ...emptyMeta,
    kind: 'audio',
    format: 'wav',
    mime: 'audio/wav',
    ext: 'wav',
    durationMs: Math.round((w.dataBytes / w.byteRate) * 1000),
    codec: wavCodec(w),
    bitrate: w.byteRate * 8,
    sampleRate: w.sampleRate,
    channels: w.channels,
  };
}

function wavCodec(w: WavLayout): string {
  if (w.format === PCM) return w.bitsPerSample === 8 ? 'pcm_u8' : `pcm_s${w.bitsPerSample}le`;
  if (w.format === FLOAT) return `pcm_f${w.bitsPerSample}le`;
  if (w.format === ALAW) return 'pcm_alaw';
  if (w.format === MULAW) return 'pcm_mulaw';
  return `wav_0x${w.format.toString(16).padStart(4, '0')}`;
}

/** How many bytes each waveform bucket reads at most: exact for short files, sampled (bounded work) for long ones. */
const WINDOW_BYTES = 64 * 1024;

/**
 * `buckets` peaks in 0..1 (the largest absolute sample of any channel in each slice of time), or null for encodings
 * that are not plain integer or float PCM. Each bucket reads at most 64 KB from the start of its slice, so a long
 * recording costs at most buckets × 64 KB of reading; for files under that the peaks are exact.
 */
export function wavPeaks(src: ByteSource, layout: WavLayout, buckets = 200): number[] | null {
  const bits = layout.bitsPerSample;
  const isInt = layout.format === PCM && (bits === 8 || bits === 16 || bits === 24 || bits === 32);
  const isFloat = layout.format === FLOAT && (bits === 32 || bits === 64);
  if (!isInt && !isFloat) return null;
  const bytesPerSample = bits / 8;
  const frames = Math.floor(layout.dataBytes / layout.blockAlign);
  if (frames === 0) return new Array<number>(buckets).fill(0);
  const peaks: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const first = Math.floor((b * frames) / buckets);
    const last = Math.max(first + 1, Math.floor(((b + 1) * frames) / buckets));
    const length = Math.min((last - first) * layout.blockAlign, Math.max(layout.blockAlign, WINDOW_BYTES - (WINDOW_BYTES % layout.blockAlign)));
    const bytes = src.read(layout.dataOffset + first * layout.blockAlign, length);
    let peak = 0;
    for (let i = 0; i + bytesPerSample <= bytes.length; i += bytesPerSample) {
      let v: number;
      if (isFloat) v = bits === 32 ? bytes.readFloatLE(i) : bytes.readDoubleLE(i);
      else if (bits === 8) v = (bytes[i]! - 128) / 128;
      else if (bits === 16) v = bytes.readInt16LE(i) / 32768;
      else if (bits === 24) v = bytes.readIntLE(i, 3) / 8388608;
      else v = bytes.readInt32LE(i) / 2147483648;
      const a = Math.abs(v);
      if (a > peak) peak = a;
    }
    peaks.push(Math.round(Math.min(1, Number.isFinite(peak) ? peak : 0) * 1000) / 1000);
  }
  return peaks;
}
