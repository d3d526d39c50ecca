/**
 * Reads what a media file is from its bytes alone — never its name — with small parsers written here (no ffmpeg):
 * images (PNG, JPEG, GIF, WebP, BMP), audio (MP3, M4A/AAC, WAV) and video (MP4, MOV). Anything else, and anything
 * cut short or malformed, is a ProbeError with a code the renderer translates; a parser never crashes the host.
 */
import { looksLikeImage, probeImage } from './image';
import { looksLikeMp3, probeMp3 } from './mp3';
import { looksLikeMp4, probeMp4 } from './mp4';
import { ProbeError, type ByteSource, type ProbeResult } from './source';
import { looksLikeWav, probeWav } from './wav';

export { ProbeError, bufferSource, fileSource, type ByteSource, type ProbeResult } from './source';
export { readWavLayout, wavPeaks } from './wav';

export function probeMedia(src: ByteSource): ProbeResult {
  if (src.size === 0) throw new ProbeError('media.empty', 'The file is empty');
  const head = src.read(0, 16);
  try {
    if (looksLikeWav(head)) return probeWav(src);
    if (looksLikeImage(head)) return probeImage(src);
    if (looksLikeMp4(head)) return probeMp4(src);
    if (looksLikeMp3(head)) return probeMp3(src);
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    // A parser reading past what it checked (a RangeError from Buffer) means the file lies about its own structure.
    throw new ProbeError('media.corrupt', `Unreadable structure: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new ProbeError('media.unsupported', 'Not an image, audio or video format the studio reads');
}
