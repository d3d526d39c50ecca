/**
 * Media files built byte by byte with real structure — WAV with a sine tone, MP3 frame streams (with a Xing or VBRI
 * header, or none), MP4/M4A/MOV box trees — so the probes are tested on what the formats say. The committed fixtures
 * in tests/fixtures/media are written by tests/fixtures/media/make-media-fixtures.ts from these builders; the import
 * benchmark uses them to generate large files.
 */

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
function u64be(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export interface WavOptions {
  sampleRate?: number;
  channels?: number;
  bits?: 8 | 16 | 24 | 32;
  float?: boolean;
  seconds: number;
  /** A sine tone's frequency and peak amplitude (0..1); silence when amplitude is 0. */
  tone?: { hz: number; amplitude: number };
  /** Amplitude rises linearly from 0 to `tone.amplitude` over the file (a ramp the waveform must show). */
  ramp?: boolean;
}

export function wavBytes(o: WavOptions): Buffer {
  const rate = o.sampleRate ?? 8000;
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const bytesPerSample = bits / 8;
  const frames = Math.round(o.seconds * rate);
  const data = Buffer.alloc(frames * channels * bytesPerSample);
  const tone = o.tone ?? { hz: 440, amplitude: 0.5 };
  for (let f = 0; f < frames; f++) {
    const amp = o.ramp ? (tone.amplitude * f) / Math.max(1, frames - 1) : tone.amplitude;
    const v = amp * Math.sin((2 * Math.PI * tone.hz * f) / rate);
    for (let c = 0; c < channels; c++) {
      const at = (f * channels + c) * bytesPerSample;
      if (o.float) data.writeFloatLE(v, at);
      else if (bits === 8) data[at] = Math.round(128 + v * 127);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }
  }
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(o.float ? 3 : 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * bytesPerSample, 8);
  fmt.writeUInt16LE(channels * bytesPerSample, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  // A LIST chunk before data, as many editors write: the parser must skip chunks it does not know.
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('INFOISFT\x06\x00\x00\x00studio')), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

const MP3_RATES: Record<number, number> = { 44100: 0, 48000: 1, 32000: 2 };
const MP3_BITRATES = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

/** One MPEG-1 Layer III frame header (no CRC) and its frame length. */
export function mp3FrameHeader(kbps: number, sampleRate: number, channels: 1 | 2, padding = 0): { header: Buffer; length: number } {
  const bitrateIndex = MP3_BITRATES.indexOf(kbps);
  const rateIndex = MP3_RATES[sampleRate];
  if (bitrateIndex <= 0 || rateIndex === undefined) throw new Error(`No MPEG-1 L3 frame at ${kbps} kbps / ${sampleRate} Hz`);
  const h = (0xffe00000 | (3 << 19) | (1 << 17) | (1 << 16) | (bitrateIndex << 12) | (rateIndex << 10) | (padding << 9) | ((channels === 1 ? 3 : 0) << 6)) >>> 0;
  return { header: u32be(h), length: Math.floor((144 * kbps * 1000) / sampleRate) + padding };
}

export interface Mp3Options {
  sampleRate?: 44100 | 48000 | 32000;
  channels?: 1 | 2;
  /** Each audio frame's bitrate, cycled; one value is CBR. */
  kbps?: number[];
  frames: number;
  header?: 'xing' | 'info' | 'vbri' | 'none';
  /** Bytes of ID3v2 tag padding before the audio (0: no tag). */
  id3Bytes?: number;
  id3v1?: boolean;
}

export function mp3Bytes(o: Mp3Options): Buffer {
  const rate = o.sampleRate ?? 44100;
  const channels = o.channels ?? 2;
  const kbps = o.kbps ?? [128];
  const parts: Buffer[] = [];
  if (o.id3Bytes) {
    const size = o.id3Bytes;
    const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
    // Tag body: one TIT2 frame, then padding (zeros), as taggers leave room to grow.
    const title = Buffer.concat([Buffer.from('TIT2'), u32be(7), Buffer.from([0, 0, 3]), Buffer.from('课程', 'utf8')]);
    parts.push(Buffer.from('ID3\x04\x00\x00', 'latin1'), syncsafe, title.subarray(0, Math.min(title.length, size)), Buffer.alloc(Math.max(0, size - title.length)));
  }
  const audio: Buffer[] = [];
  let audioBytes = 0;
  for (let i = 0; i < o.frames; i++) {
    const { header, length } = mp3FrameHeader(kbps[i % kbps.length]!, rate, channels);
    const frame = Buffer.alloc(length);
    header.copy(frame);
    // Fill with a pattern that never forms a frame sync (0xFF followed by 0xE0+).
    frame.fill(0x55, 4);
    audio.push(frame);
    audioBytes += length;
  }
  if (o.header && o.header !== 'none') {
    const { header, length } = mp3FrameHeader(kbps[0]!, rate, channels);
    const frame = Buffer.alloc(length);
    header.copy(frame);
    const side = channels === 1 ? 17 : 32;
    if (o.header === 'vbri') {
      frame.write('VBRI', 36, 'latin1');
      frame.writeUInt16BE(1, 40);
      frame.writeUInt32BE(audioBytes + length, 46);
      frame.writeUInt32BE(o.frames, 50);
    } else {
      frame.write(o.header === 'xing' ? 'Xing' : 'Info', 4 + side, 'latin1');
      frame.writeUInt32BE(3, 8 + side);
      frame.writeUInt32BE(o.frames, 12 + side);
      frame.writeUInt32BE(audioBytes + length, 16 + side);
    }
    parts.push(frame);
  }
  parts.push(...audio);
  if (o.id3v1) parts.push(Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]));
  return Buffer.concat(parts);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
function fullBox(type: string, version: number, ...payload: Buffer[]): Buffer {
  return box(type, Buffer.from([version, 0, 0, 0]), ...payload);
}

export interface Mp4Track {
  handler: 'vide' | 'soun';
  codec: string;
  timescale: number;
  duration: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** For mp4a: the AAC audio object type written in esds (2 = AAC-LC). */
  audioObjectType?: number;
}

export interface Mp4Options {
  brand?: string;
  movieTimescale?: number;
  movieDuration: number;
  tracks: Mp4Track[];
  /** Bytes of media data (mdat payload). */
  mdatBytes: number;
  /** moov before mdat ("fast start") or after it (as cameras and most encoders write). */
  moovFirst?: boolean;
  /** Use version-1 (64-bit) mvhd, tkhd and mdhd boxes. */
  version1?: boolean;
}

function timeFields(version1: boolean, timescale: number, duration: number): Buffer {
  return version1
    ? Buffer.concat([u64be(0), u64be(0), u32be(timescale), u64be(duration)])
    : Buffer.concat([u32be(0), u32be(0), u32be(timescale), u32be(duration)]);
}

const MATRIX = Buffer.concat([u32be(0x10000), u32be(0), u32be(0), u32be(0), u32be(0x10000), u32be(0), u32be(0), u32be(0), u32be(0x40000000)]);

function trak(t: Mp4Track, id: number, v1: boolean, movieTimescale: number): Buffer {
  const movieDuration = Math.round((t.duration / t.timescale) * movieTimescale);
  const tkhdTimes = v1
    ? Buffer.concat([u64be(0), u64be(0), u32be(id), u32be(0), u64be(movieDuration)])
    : Buffer.concat([u32be(0), u32be(0), u32be(id), u32be(0), u32be(movieDuration)]);
  const tkhd = fullBox(
    'tkhd',
    v1 ? 1 : 0,
    tkhdTimes,
    Buffer.alloc(8),
    u16be(0),
    u16be(0),
    u16be(t.handler === 'soun' ? 0x0100 : 0),
    u16be(0),
    MATRIX,
    u32be((t.width ?? 0) * 65536),
    u32be((t.height ?? 0) * 65536),
  );
  const mdhd = fullBox('mdhd', v1 ? 1 : 0, timeFields(v1, t.timescale, t.duration), u16be(0x55c4), u16be(0));
  const hdlr = fullBox('hdlr', 0, u32be(0), Buffer.from(t.handler, 'latin1'), Buffer.alloc(12), Buffer.from('studio\0'));
  let entry: Buffer;
  if (t.handler === 'vide') {
    entry = box(
      t.codec,
      Buffer.alloc(6),
      u16be(1),
      Buffer.alloc(16),
      u16be(t.width ?? 0),
      u16be(t.height ?? 0),
      u32be(0x00480000),
      u32be(0x00480000),
      u32be(0),
      u16be(1),
      Buffer.alloc(32),
      u16be(24),
      u16be(0xffff),
      box(t.codec === 'avc1' ? 'avcC' : 'hvcC', Buffer.from([1, 0x64, 0, 0x1f, 0xff, 0xe0])),
    );
  } else {
    const esds =
      t.codec === 'mp4a'
        ? [
            fullBox(
              'esds',
              0,
              Buffer.from([0x03, 0x19, 0x00, 0x01, 0x00]),
              Buffer.from([0x04, 0x11, 0x40, 0x15, 0, 0, 0, 0, 0x01, 0xf4, 0, 0, 0x01, 0xf4, 0]),
              Buffer.from([0x05, 0x02, ((t.audioObjectType ?? 2) << 3) | 0x01, 0x90]),
              Buffer.from([0x06, 0x01, 0x02]),
            ),
          ]
        : [];
    entry = box(t.codec, Buffer.alloc(6), u16be(1), Buffer.alloc(8), u16be(t.channels ?? 2), u16be(16), u16be(0), u16be(0), u32be((t.sampleRate ?? 44100) * 65536), ...esds);
  }
  const stsd = fullBox('stsd', 0, u32be(1), entry);
  const stbl = box('stbl', stsd, fullBox('stts', 0, u32be(0)), fullBox('stsz', 0, u32be(0), u32be(0)));
  const minf = box('minf', t.handler === 'vide' ? fullBox('vmhd', 0, Buffer.alloc(8)) : fullBox('smhd', 0, Buffer.alloc(4)), stbl);
  return box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
}

/** The parts of an MP4: everything before the mdat payload, its size, and everything after (for streaming large files). */
export function mp4Parts(o: Mp4Options): { before: Buffer; payloadBytes: number; after: Buffer } {
  const brand = o.brand ?? 'isom';
  const v1 = o.version1 ?? false;
  const movieTimescale = o.movieTimescale ?? 1000;
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32be(0x200), Buffer.from(brand, 'latin1'), Buffer.from('mp41', 'latin1'));
  const mvhd = fullBox('mvhd', v1 ? 1 : 0, timeFields(v1, movieTimescale, o.movieDuration), u32be(0x10000), u16be(0x100), Buffer.alloc(10), MATRIX, Buffer.alloc(24), u32be(o.tracks.length + 1));
  const moov = box('moov', mvhd, ...o.tracks.map((t, i) => trak(t, i + 1, v1, movieTimescale)));
  const mdatHeader = Buffer.concat([u32be(8 + o.mdatBytes), Buffer.from('mdat', 'latin1')]);
  return o.moovFirst
    ? { before: Buffer.concat([ftyp, moov, mdatHeader]), payloadBytes: o.mdatBytes, after: Buffer.alloc(0) }
    : { before: Buffer.concat([ftyp, mdatHeader]), payloadBytes: o.mdatBytes, after: moov };
}

export function mp4Bytes(o: Mp4Options): Buffer {
  const p = mp4Parts(o);
  return Buffer.concat([p.before, Buffer.alloc(p.payloadBytes, 0x11), p.after]);
}

/** A typical phone video: H.264 1280×720 with AAC-LC stereo, moov at the end. */
export function videoOptions(seconds: number, mdatBytes: number, codec = 'avc1'): Mp4Options {
  return {
    movieDuration: seconds * 1000,
    mdatBytes,
    tracks: [
      { handler: 'vide', codec, timescale: 15360, duration: seconds * 15360, width: 1280, height: 720 },
      { handler: 'soun', codec: 'mp4a', timescale: 44100, duration: seconds * 44100, sampleRate: 44100, channels: 2, audioObjectType: 2 },
    ],
  };
}
