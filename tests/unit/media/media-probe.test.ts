import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProbeError, bufferSource, fileSource, probeMedia, readWavLayout, wavPeaks } from '../../../electron/studio/services/media-probe/index';
import { mp3Bytes, mp4Bytes, videoOptions, wavBytes } from '../../helpers/media-files';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/media');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const probe = (bytes: Buffer) => probeMedia(bufferSource(bytes));

function probeError(bytes: Buffer): ProbeError {
  try {
    probe(bytes);
  } catch (error) {
    if (error instanceof ProbeError) return error;
    throw new Error(`Expected a ProbeError, got ${String(error)}`, { cause: error });
  }
  throw new Error('Expected the probe to fail');
}

describe('probeMedia on the committed fixtures', () => {
  it.each([
    ['photo-640x360.jpg', { kind: 'image', format: 'jpeg', mime: 'image/jpeg', ext: 'jpg', width: 640, height: 360 }],
    ['photo-320x240.png', { kind: 'image', format: 'png', width: 320, height: 240 }],
    ['photo-200x100.webp', { kind: 'image', format: 'webp', width: 200, height: 100 }],
    ['icon-40x30.bmp', { kind: 'image', format: 'bmp', mime: 'image/bmp', width: 40, height: 30 }],
    ['ramp-8k-mono-s16.wav', { kind: 'audio', format: 'wav', durationMs: 1000, codec: 'pcm_s16le', sampleRate: 8000, channels: 1, bitrate: 128_000 }],
    ['tone-48k-stereo-s24.wav', { kind: 'audio', format: 'wav', durationMs: 100, codec: 'pcm_s24le', sampleRate: 48000, channels: 2, bitrate: 2_304_000 }],
    // No Xing header: 38 frames found by walking them, between an ID3v2 and an ID3v1 tag.
    ['cbr-128k-tags.mp3', { kind: 'audio', format: 'mp3', durationMs: 993, codec: 'mp3', sampleRate: 44100, channels: 2 }],
    ['vbr-xing-48k.mp3', { kind: 'audio', format: 'mp3', durationMs: 1200, sampleRate: 48000, channels: 2 }],
    ['vbri-32k-mono.mp3', { kind: 'audio', format: 'mp3', durationMs: 1440, sampleRate: 32000, channels: 1 }],
    ['h264-720p-2s.mp4', { kind: 'video', format: 'mp4', mime: 'video/mp4', width: 1280, height: 720, durationMs: 2000, codec: 'avc1', audioCodec: 'mp4a.40.2', sampleRate: 44100, channels: 2 }],
    ['hevc-1080p.mov', { kind: 'video', format: 'mov', mime: 'video/quicktime', width: 1920, height: 1080, durationMs: 5000, codec: 'hvc1', audioCodec: null }],
    ['aac-lc-3s.m4a', { kind: 'audio', format: 'm4a', mime: 'audio/mp4', durationMs: 3000, codec: 'mp4a.40.2', sampleRate: 44100, channels: 2 }],
  ])('%s', (name, expected) => {
    expect(probe(fixture(name))).toMatchObject(expected);
  });

  // Made once by real encoders (ffmpeg 5.1 with LAME, its AAC, x264 and x265; commands in README.md); the expected
  // values are what ffprobe reported for the same files, so these check the parsers against more than our own writer.
  it.each([
    ['lame-64k-1.5s.mp3', { format: 'mp3', durationMs: 1541, sampleRate: 44100, channels: 1 }, 65309],
    ['lame-vbr-2s.mp3', { format: 'mp3', durationMs: 2038, sampleRate: 44100, channels: 1 }, 34790],
    ['ffmpeg-aac-2s.m4a', { format: 'm4a', durationMs: 2000, codec: 'mp4a.40.2', sampleRate: 48000, channels: 1 }, 53564],
    ['ffmpeg-h264-320x240-1s.mp4', { kind: 'video', format: 'mp4', durationMs: 1000, codec: 'avc1', audioCodec: 'mp4a.40.2', width: 320, height: 240, channels: 1 }, 170136],
    ['ffmpeg-hevc-320x180-1s.mov', { kind: 'video', format: 'mov', durationMs: 1000, codec: 'hvc1', width: 320, height: 180 }, 112096],
  ])('%s (encoder-made) matches ffprobe', (name, expected, ffprobeBitrate) => {
    const result = probe(fixture(name));
    expect(result).toMatchObject(expected);
    // ffprobe counts an MP3's bitrate over the whole file; ours counts the audio frames only: within 1 %.
    expect(Math.abs(result.bitrate! - ffprobeBitrate) / ffprobeBitrate).toBeLessThan(0.01);
  });

  it('gives an MP3 bitrate from the frames it found', () => {
    // CBR 128 kbps: each frame 417 or 418 bytes, so the measured rate is within a fraction of a percent of 128 000.
    expect(probe(fixture('cbr-128k-tags.mp3')).bitrate).toBeGreaterThan(127_000);
    expect(probe(fixture('cbr-128k-tags.mp3')).bitrate).toBeLessThan(129_000);
    // The Xing header's byte count over its duration: the average of 96/128/192 kbps frames.
    const vbr = probe(fixture('vbr-xing-48k.mp3')).bitrate!;
    expect(vbr).toBeGreaterThan(130_000);
    expect(vbr).toBeLessThan(150_000);
  });

  it('reads the same from a file as from memory (the block cache never changes an answer)', () => {
    for (const name of fs.readdirSync(FIXTURES).filter((f) => !f.endsWith('.ts') && !f.endsWith('.md'))) {
      const file = path.join(FIXTURES, name);
      const fd = fs.openSync(file, 'r');
      try {
        expect(probeMedia(fileSource(fd, fs.fstatSync(fd).size)), name).toEqual(probe(fixture(name)));
      } finally {
        fs.closeSync(fd);
      }
    }
  });
});

describe('probeMedia on generated structures', () => {
  it('walks a long CBR MP3 frame by frame when it has no Xing header', () => {
    // 2 600 frames × 1152 / 44 100 = 67.918 s.
    expect(probe(mp3Bytes({ frames: 2600, kbps: [64] })).durationMs).toBe(67918);
  });

  it('reads a version-1 (64-bit) movie with moov after mdat', () => {
    const bytes = mp4Bytes({ ...videoOptions(90, 10_000, 'hvc1'), version1: true });
    expect(probe(bytes)).toMatchObject({ kind: 'video', durationMs: 90_000, codec: 'hvc1', width: 1280, height: 720 });
  });

  it('takes a fragmented movie’s duration from its longest track when mvhd says 0', () => {
    const options = videoOptions(12, 100);
    expect(probe(mp4Bytes({ ...options, movieDuration: 0 })).durationMs).toBe(12_000);
  });

  it('reads 8-bit, 32-bit and float WAV', () => {
    expect(probe(wavBytes({ seconds: 0.5, bits: 8 }))).toMatchObject({ codec: 'pcm_u8', durationMs: 500 });
    expect(probe(wavBytes({ seconds: 0.5, bits: 32 }))).toMatchObject({ codec: 'pcm_s32le', durationMs: 500 });
    expect(probe(wavBytes({ seconds: 0.25, bits: 32, float: true }))).toMatchObject({ codec: 'pcm_f32le', durationMs: 250 });
  });
});

describe('truncated, corrupt and foreign files fail with a clear code and never crash', () => {
  it.each([
    ['an empty file', Buffer.alloc(0), 'media.empty'],
    ['plain text', Buffer.from('这不是媒体文件，只是文字。'), 'media.unsupported'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'media.unsupported'],
    ['text that starts with BM', Buffer.from('BMW 3 系列车主课程资料，共 12 讲'), 'media.unsupported'],
    ['an SVG (it can carry scripts)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'media.unsupported'],
    ['a PNG signature alone', fixture('photo-320x240.png').subarray(0, 12), 'media.truncated'],
    ['a BMP cut inside its header', fixture('icon-40x30.bmp').subarray(0, 20), 'media.truncated'],
    ['a WAV cut inside its data', fixture('ramp-8k-mono-s16.wav').subarray(0, 9000), 'media.truncated'],
    ['a WAV cut before its data chunk', fixture('ramp-8k-mono-s16.wav').subarray(0, 40), 'media.truncated'],
    ['an MP4 cut before its moov', fixture('h264-720p-2s.mp4').subarray(0, 3000), 'media.truncated'],
    ['an MP4 cut inside its moov', fixture('h264-720p-2s.mp4').subarray(0, 4500), 'media.truncated'],
    ['an MP4 of only ftyp', fixture('h264-720p-2s.mp4').subarray(0, 32), 'media.truncated'],
    ['an MP3 cut inside its ID3 tag', fixture('cbr-128k-tags.mp3').subarray(0, 200), 'media.truncated'],
    ['an MP3 whose tag is followed by junk', Buffer.concat([fixture('cbr-128k-tags.mp3').subarray(0, 310), Buffer.alloc(5000, 0x20)]), 'media.corrupt'],
  ])('%s', (_name, bytes, code) => {
    expect(probeError(bytes).code).toBe(code);
  });

  it('refuses a WAV whose data comes before its format', () => {
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.from([20, 0, 0, 0]), Buffer.from('WAVEdata'), Buffer.from([4, 0, 0, 0]), Buffer.alloc(4)]);
    expect(probeError(wav).code).toBe('media.corrupt');
  });

  it('refuses a box whose size is smaller than its own header', () => {
    const bytes = fixture('h264-720p-2s.mp4');
    const broken = Buffer.from(bytes);
    broken.writeUInt32BE(3, 24); // the mdat box right after the 24-byte ftyp
    expect(probeError(broken).code).toBe('media.corrupt');
  });

  it('survives every truncation and random damage of every fixture: a ProbeError or an answer, never anything else', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (const name of fs.readdirSync(FIXTURES).filter((f) => !f.endsWith('.ts') && !f.endsWith('.md'))) {
      const bytes = fixture(name);
      const cuts = new Set([1, 2, 3, 4, 7, 8, 11, 12, 16, 31, 64, 100, Math.floor(bytes.length / 2), bytes.length - 1]);
      for (const cut of cuts) {
        try {
          probe(bytes.subarray(0, cut));
        } catch (error) {
          expect(error, `${name} cut at ${cut}`).toBeInstanceOf(ProbeError);
        }
      }
      for (let round = 0; round < 200; round++) {
        const damaged = Buffer.from(bytes);
        for (let k = 0; k < 4; k++) damaged[Math.floor(random() * Math.min(damaged.length, 512))] = Math.floor(random() * 256);
        try {
          probe(damaged);
        } catch (error) {
          expect(error, `${name} damaged (round ${round})`).toBeInstanceOf(ProbeError);
        }
      }
    }
  });
});

describe('wavPeaks', () => {
  it('follows the ramp: silent at the start, loudest at the end', () => {
    const src = bufferSource(fixture('ramp-8k-mono-s16.wav'));
    const peaks = wavPeaks(src, readWavLayout(src), 100)!;
    expect(peaks).toHaveLength(100);
    expect(peaks[0]).toBeLessThan(0.02);
    expect(peaks[99]).toBeGreaterThan(0.78);
    expect(peaks[99]).toBeLessThanOrEqual(0.8);
    for (let i = 10; i < 100; i += 10) expect(peaks[i]!).toBeGreaterThan(peaks[i - 10]!);
  });

  it('reads 24-bit stereo at half scale as 0.5', () => {
    const src = bufferSource(fixture('tone-48k-stereo-s24.wav'));
    const peaks = wavPeaks(src, readWavLayout(src), 20)!;
    for (const p of peaks) expect(p).toBeCloseTo(0.5, 2);
  });

  it('reads a bounded window per bucket of a long file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'long.wav');
    fs.writeFileSync(file, wavBytes({ seconds: 60, sampleRate: 44100, channels: 2, tone: { hz: 200, amplitude: 0.25 } }));
    const fd = fs.openSync(file, 'r');
    let bytesRead = 0;
    const inner = fileSource(fd, fs.fstatSync(fd).size);
    const counting = { size: inner.size, read: (o: number, l: number) => { const b = inner.read(o, l); bytesRead += b.length; return b; } };
    const peaks = wavPeaks(counting, readWavLayout(counting), 200)!;
    fs.closeSync(fd);
    expect(peaks.every((p) => Math.abs(p - 0.25) < 0.01)).toBe(true);
    expect(bytesRead).toBeLessThanOrEqual(200 * 64 * 1024 + 1024);
  });
});
