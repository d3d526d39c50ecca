/**
 * Tiny images with real headers, built byte by byte, so sniffing and importing are tested on what the formats say and
 * not on file names. The PNG is fully decodable; the others carry valid headers and minimal bodies.
 */
import { crc32, deflateSync } from 'node:zlib';

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u16le(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u24le(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntLE(n, 0, 3);
  return b;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc32(typeAndData))]);
}

/**
 * An RGB PNG filled with one grey level (`shade`, so two calls can differ). `totalBytes` pads it to an exact size with
 * a private ancillary chunk, which every decoder skips.
 */
export function pngBytes(width: number, height: number, options: { shade?: number; totalBytes?: number } = {}): Buffer {
  const rowLength = 1 + width * 3;
  const pixels = Buffer.alloc(rowLength * height, options.shade ?? 0x80);
  for (let row = 0; row < height; row++) pixels[row * rowLength] = 0; // filter type 0 at the start of each row
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ];
  if (options.totalBytes !== undefined) {
    const padding = options.totalBytes - Buffer.concat(parts).length - 12;
    if (padding < 0) throw new Error(`A ${width}×${height} PNG needs more than ${options.totalBytes} bytes`);
    parts.splice(2, 0, pngChunk('prVt', Buffer.alloc(padding)));
  }
  return Buffer.concat(parts);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
}

/**
 * A greyscale JPEG header: SOI, APP0 (JFIF), DQT, DHT, then the frame header (SOF0 baseline or SOF2 progressive),
 * SOS and EOI. The DHT marker (C4) sits before the frame on purpose: it lies inside the SOF range and must be skipped.
 */
export function jpegBytes(width: number, height: number, options: { progressive?: boolean } = {}): Buffer {
  const sof = options.progressive ? 0xc2 : 0xc0;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    jpegSegment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0])),
    jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    jpegSegment(0xc4, Buffer.concat([Buffer.from([0x00, 1]), Buffer.alloc(15), Buffer.from([0])])),
    jpegSegment(sof, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])])),
    jpegSegment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
    Buffer.from([0x00, 0x00, 0xff, 0xd9]),
  ]);
}

/** A GIF89a with a two-colour global table and one image of the given size. */
export function gifBytes(width: number, height: number): Buffer {
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    u16le(width),
    u16le(height),
    Buffer.from([0x80, 0, 0]),
    Buffer.from([0, 0, 0, 0xff, 0xff, 0xff]),
    Buffer.from([0x2c]),
    u16le(0),
    u16le(0),
    u16le(width),
    u16le(height),
    Buffer.from([0, 2, 2, 0x44, 0x01, 0, 0x3b]),
  ]);
}

function riffChunk(type: string, data: Buffer): Buffer {
  const padded = data.length % 2 === 1 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
  return Buffer.concat([Buffer.from(type, 'latin1'), u32le(data.length), padded]);
}

function vp8lChunk(width: number, height: number): Buffer {
  // Signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha, 3 bits version (0).
  const bits = ((width - 1) | ((height - 1) << 14)) >>> 0;
  return riffChunk('VP8L', Buffer.concat([Buffer.from([0x2f]), u32le(bits), Buffer.from([0])]));
}

/**
 * A WebP container: `VP8X` (extended: canvas size in the VP8X chunk, then the image), `VP8L` (lossless) or `VP8 `
 * (lossy key frame).
 */
export function webpBytes(width: number, height: number, kind: 'VP8X' | 'VP8L' | 'VP8'): Buffer {
  let chunks: Buffer;
  if (kind === 'VP8X') {
    const header = Buffer.concat([Buffer.from([0, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
    chunks = Buffer.concat([riffChunk('VP8X', header), vp8lChunk(width, height)]);
  } else if (kind === 'VP8L') {
    chunks = vp8lChunk(width, height);
  } else {
    const frame = Buffer.concat([Buffer.from([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a]), u16le(width), u16le(height), Buffer.alloc(8)]);
    chunks = riffChunk('VP8 ', frame);
  }
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(4 + chunks.length), Buffer.from('WEBP', 'latin1'), chunks]);
}

export const SVG_BYTES = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);
