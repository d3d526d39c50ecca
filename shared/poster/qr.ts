/**
 * QR geometry and scannability checks. The module matrix itself comes from the `qrcode` package on each side (it is
 * not importable here); these functions place the modules in the element's square box with the 4-module quiet zone the
 * standard asks for (ISO/IEC 18004 §6.3.8), and warn when the code is too small or too faint to scan.
 */
export const QR_QUIET_ZONE = 4;
/** Below this many pixels per module at export, phone cameras at arm's length start to miss the code. */
export const QR_MIN_MODULE_PX = 4;
/** Contrast ratio (WCAG relative luminance) under which scanners fail in poor light. */
export const QR_MIN_CONTRAST = 4;

/** A QR matrix as `qrcode`'s `create()` returns it: `size` modules per side, `data[row * size + col]` 1 = dark. */
export interface QrMatrix {
  size: number;
  data: ArrayLike<number>;
}

/** Side of one module in pixels when the matrix and its quiet zone fill a box of `side` pixels. */
export function qrModulePx(side: number, matrixSize: number): number {
  return side / (matrixSize + 2 * QR_QUIET_ZONE);
}

/**
 * Dark modules merged into horizontal runs: [x, y, width, height] in the box's coordinates. Runs are snapped to whole
 * pixels where the module size allows, so neighbouring modules share an edge without anti-aliased seams.
 */
export function qrRuns(matrix: QrMatrix, side: number): [number, number, number, number][] {
  const m = qrModulePx(side, matrix.size);
  const edge = (i: number) => Math.round((QR_QUIET_ZONE + i) * m);
  const runs: [number, number, number, number][] = [];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.data[row * matrix.size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.data[row * matrix.size + col]) col++;
      runs.push([edge(start), edge(row), edge(col) - edge(start), edge(row + 1) - edge(row)]);
    }
  }
  return runs;
}

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rrggbb` (alpha ignored). */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export type QrWarningCode = 'qr.tooSmall' | 'qr.lowContrast' | 'qr.inverted' | 'qr.tooMuchData' | 'qr.placeholderLink';

export interface QrWarning {
  code: QrWarningCode;
  /** Module size in px, contrast ratio… for the message. */
  value: number;
}

/** What may keep a code from scanning, for a box of `side` export pixels and resolved colours. */
export function qrWarnings(side: number, matrixSize: number, foreground: string, background: string): QrWarning[] {
  const out: QrWarning[] = [];
  const module = qrModulePx(side, matrixSize);
  if (module < QR_MIN_MODULE_PX) out.push({ code: 'qr.tooSmall', value: Math.round(module * 10) / 10 });
  const ratio = contrastRatio(foreground, background);
  if (ratio < QR_MIN_CONTRAST) out.push({ code: 'qr.lowContrast', value: Math.round(ratio * 10) / 10 });
  // Light modules on a dark ground are legal but many older scanners only look for dark-on-light codes.
  else if (luminance(foreground) > luminance(background)) out.push({ code: 'qr.inverted', value: Math.round(ratio * 10) / 10 });
  return out;
}
