/**
 * Reads the text of a QR code in a PNG, as the phone's camera would: pngjs decodes the image, jsQR finds the code.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { SandboxError } from '../errors';

const MAX_SIDE = 4096;

/** The QR content of a base64 PNG (a `data:image/png;base64,` prefix is allowed); INVALID_INPUT when there is none. */
export function decodeQrPng(base64: string): string {
  const bytes = Buffer.from(base64.replace(/^data:image\/png;base64,/, ''), 'base64');
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch {
    throw new SandboxError('INVALID_INPUT', '图片不是有效的 PNG');
  }
  if (png.width > MAX_SIDE || png.height > MAX_SIDE) throw new SandboxError('INVALID_INPUT', `图片太大（最大 ${MAX_SIDE}×${MAX_SIDE}）`);
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  const found = jsQR(pixels, png.width, png.height, { inversionAttempts: 'attemptBoth' });
  if (!found || found.data === '') throw new SandboxError('INVALID_INPUT', '图片中没有识别到二维码');
  return found.data;
}
