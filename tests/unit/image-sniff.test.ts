import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../electron/studio/services/image-sniff';
import { SVG_BYTES, gifBytes, jpegBytes, pngBytes, webpBytes } from '../helpers/images';

describe('sniffImage', () => {
  it('reads a PNG from its IHDR chunk', () => {
    expect(sniffImage(pngBytes(640, 360))).toEqual({ mime: 'image/png', ext: 'png', width: 640, height: 360 });
  });

  it('reads a baseline JPEG (SOF0), skipping the DHT marker that sits inside the SOF range', () => {
    expect(sniffImage(jpegBytes(900, 500))).toEqual({ mime: 'image/jpeg', ext: 'jpg', width: 900, height: 500 });
  });

  it('reads a progressive JPEG (SOF2)', () => {
    expect(sniffImage(jpegBytes(1080, 1920, { progressive: true }))).toEqual({
      mime: 'image/jpeg',
      ext: 'jpg',
      width: 1080,
      height: 1920,
    });
  });

  it('reads a GIF from its logical screen', () => {
    expect(sniffImage(gifBytes(300, 200))).toEqual({ mime: 'image/gif', ext: 'gif', width: 300, height: 200 });
  });

  it.each([
    ['VP8X', 4000, 3000],
    ['VP8L', 16383, 1],
    ['VP8', 1024, 768],
  ] as const)('reads a WebP with a %s chunk', (kind, width, height) => {
    expect(sniffImage(webpBytes(width, height, kind))).toEqual({ mime: 'image/webp', ext: 'webp', width, height });
  });

  it('decides by bytes, not by what the file claims to be', () => {
    expect(sniffImage(Buffer.from('just some text, saved as cover.png'))).toBeNull();
    expect(sniffImage(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });

  it('refuses SVG, which can carry scripts', () => {
    expect(sniffImage(SVG_BYTES)).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it.each([
    ['PNG cut inside IHDR', pngBytes(10, 10).subarray(0, 20)],
    ['PNG signature only', pngBytes(10, 10).subarray(0, 8)],
    ['JPEG cut after SOI', jpegBytes(10, 10).subarray(0, 3)],
    ['GIF cut inside the screen size', gifBytes(10, 10).subarray(0, 8)],
    ['WebP cut before its first chunk', webpBytes(10, 10, 'VP8L').subarray(0, 12)],
  ])('refuses a truncated file: %s', (_name, bytes) => {
    expect(sniffImage(bytes)).toBeNull();
  });

  it('refuses a RIFF file that is not WebP (e.g. a WAV)', () => {
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(20)]);
    expect(sniffImage(wav)).toBeNull();
  });
});
