/**
 * A small multipart/form-data reader for the upload APIs (§6.1, §6.2): WeChat's side, written independently of any
 * client. Parts are split on the boundary from the Content-Type; each keeps its field name, file name, content type
 * and bytes.
 */

export interface FormPart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  data: Buffer;
}

/** The boundary of a multipart/form-data Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function headerParam(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header);
  return m ? (m[1] ?? null) : null;
}

/** The parts of a multipart body, or null when it is not well-formed. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    // `--boundary--` closes the body.
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString('latin1') === '--') return parts;
    const headerStart = afterDelimiter + 2;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0) return null;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return null;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = headerParam(disposition, 'name');
    if (name === null) return null;
    parts.push({
      name,
      fileName: headerParam(disposition, 'filename'),
      contentType: type ? type.slice(type.indexOf(':') + 1).trim() : null,
      data: body.subarray(headerEnd + 4, next),
    });
    at = next + 2;
  }
}

/** What the bytes are, by their magic numbers; null when none of the kinds WeChat takes. */
export function sniffMedia(data: Buffer): string | null {
  const hex = data.subarray(0, 12).toString('hex');
  if (hex.startsWith('ffd8ff')) return 'image/jpeg';
  if (hex.startsWith('89504e470d0a1a0a')) return 'image/png';
  if (hex.startsWith('47494638')) return 'image/gif';
  if (hex.startsWith('424d')) return 'image/bmp';
  if (hex.startsWith('494433') || /^ff[ef][0-9a-f]/.test(hex)) return 'audio/mpeg';
  if (hex.startsWith('52494646') && data.subarray(8, 12).toString('latin1') === 'WAVE') return 'audio/wav';
  if (data.subarray(0, 5).toString('latin1') === '#!AMR') return 'audio/amr';
  if (hex.startsWith('3026b2758e66cf11')) return 'audio/x-ms-wma';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return null;
}
