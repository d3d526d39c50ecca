// Draws the app icon — a flat WeChat-green rounded square with a white open book: text lines on the left page
// (articles), a play mark on the right (audio and video lessons) — and writes it as resources/icon.png (1024×1024),
// resources/icon.icns (macOS) and resources/icon.ico (Windows).
//
// Every size is rendered from the same geometry with signed distance functions, so small sizes are drawn, not
// downscaled, and edges are anti-aliased analytically. Shipping .icns and .ico means electron-builder copies them
// as they are instead of fetching its icon-conversion tool from GitHub. The output is deterministic: re-running
// the script on an unchanged file gives identical bytes.
//
// Usage: node scripts/make-icon.js
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'resources');

/** Design units: a 1024×1024 canvas, y pointing down. */
const CANVAS = 1024;
const GREEN = [0x07, 0xc1, 0x60];
const WHITE = [0xff, 0xff, 0xff];

// The body follows macOS's icon grid (an 824-unit rounded square centred on the 1024 canvas), which also reads well
// as a Windows or Linux icon.
const BODY = { cx: 512, cy: 512, half: 412, radius: 185 };

// The open book: two pages that dip towards the spine, a gap at the spine, corners rounded by PAGE_RADIUS.
const PAGE_RADIUS = 26;
const leftPage = [
  [232, 305],
  [498, 347],
  [498, 719],
  [232, 677],
];
const rightPage = leftPage.map(([x, y]) => [CANVAS - x, y]).reverse();

// Three text lines on the left page, parallel to its top edge; the last one shorter, as a paragraph ends.
const slope = (347 - 305) / (498 - 232);
const lineY = (x, offset) => 305 + slope * (x - 232) + offset;
const LINE_RADIUS = 15;
const textLines = [
  [292, 440, 112],
  [292, 440, 186],
  [292, 392, 260],
].map(([x0, x1, offset]) => [x0, lineY(x0, offset), x1, lineY(x1, offset)]);

// A rounded play triangle centred on the right page.
const PLAY_RADIUS = 16;
const play = [
  [622, 446],
  [622, 598],
  [740, 522],
];

function clamp(v, lo, hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

function sdRoundedSquare(x, y, { cx, cy, half, radius }) {
  const qx = Math.abs(x - cx) - half + radius;
  const qy = Math.abs(y - cy) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Exact signed distance to a polygon (negative inside), after Inigo Quilez's sdPolygon. */
function sdPolygon(x, y, pts) {
  let d = Infinity;
  let sign = 1;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i, i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    const ex = xj - xi;
    const ey = yj - yi;
    const wx = x - xi;
    const wy = y - yi;
    const t = clamp((wx * ex + wy * ey) / (ex * ex + ey * ey), 0, 1);
    d = Math.min(d, (wx - ex * t) ** 2 + (wy - ey * t) ** 2);
    const c1 = y >= yi;
    const c2 = y < yj;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
  }
  return sign * Math.sqrt(d);
}

function sdSegment(x, y, [x0, y0, x1, y1]) {
  const ex = x1 - x0;
  const ey = y1 - y0;
  const t = clamp(((x - x0) * ex + (y - y0) * ey) / (ex * ex + ey * ey), 0, 1);
  return Math.hypot(x - x0 - ex * t, y - y0 - ey * t);
}

/** Moves every edge of a convex polygon inwards by r; dilating the result by r gives the polygon with round corners. */
function inset(pts, r) {
  const n = pts.length;
  let area = 0;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[(i + 1) % n];
    area += x0 * y1 - x1 * y0;
  }
  const inward = area > 0 ? 1 : -1;
  const lines = pts.map(([x0, y0], i) => {
    const [x1, y1] = pts[(i + 1) % n];
    const len = Math.hypot(x1 - x0, y1 - y0);
    const nx = (-(y1 - y0) / len) * inward;
    const ny = ((x1 - x0) / len) * inward;
    return { px: x0 + nx * r, py: y0 + ny * r, dx: x1 - x0, dy: y1 - y0 };
  });
  return lines.map((b, i) => {
    const a = lines[(i - 1 + n) % n];
    const det = a.dx * b.dy - a.dy * b.dx;
    const t = ((b.px - a.px) * b.dy - (b.py - a.py) * b.dx) / det;
    return [a.px + a.dx * t, a.py + a.dy * t];
  });
}

const leftCore = inset(leftPage, PAGE_RADIUS);
const rightCore = inset(rightPage, PAGE_RADIUS);
const playCore = inset(play, PLAY_RADIUS);

/** Signed distance to the white glyph: both pages, minus the text lines and the play mark. */
function sdGlyph(x, y) {
  const pages = Math.min(sdPolygon(x, y, leftCore), sdPolygon(x, y, rightCore)) - PAGE_RADIUS;
  let cut = sdPolygon(x, y, playCore) - PLAY_RADIUS;
  for (const line of textLines) cut = Math.min(cut, sdSegment(x, y, line) - LINE_RADIUS);
  return Math.max(pages, -cut);
}

/** Renders the icon at `size` pixels: RGBA, straight alpha. */
function render(size) {
  const px = CANVAS / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) * px;
      const y = (j + 0.5) * px;
      // Coverage from distance: a one-pixel ramp centred on the edge.
      const body = clamp(0.5 - sdRoundedSquare(x, y, BODY) / px, 0, 1);
      if (body === 0) continue;
      const glyph = clamp(0.5 - sdGlyph(x, y) / px, 0, 1);
      const o = (j * size + i) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(GREEN[c] + (WHITE[c] - GREEN[c]) * glyph);
      rgba[o + 3] = Math.round(body * 255);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG (8-bit RGBA, non-interlaced), each row with the filter that leaves the smallest residue. */
function encodePng(size, rgba) {
  const stride = size * 4;
  const rows = [];
  const zero = Buffer.alloc(stride);
  for (let j = 0; j < size; j++) {
    const row = rgba.subarray(j * stride, (j + 1) * stride);
    const above = j > 0 ? rgba.subarray((j - 1) * stride, j * stride) : zero;
    let best = null;
    let bestCost = Infinity;
    for (const filter of [0, 1, 2]) {
      const out = Buffer.alloc(stride + 1);
      out[0] = filter;
      let cost = 0;
      for (let k = 0; k < stride; k++) {
        const left = k >= 4 ? row[k - 4] : 0;
        const v = (row[k] - (filter === 1 ? left : filter === 2 ? above[k] : 0)) & 0xff;
        out[k + 1] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        best = out;
        bestCost = cost;
      }
    }
    rows.push(best);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 32-bit BMP icon image (BITMAPINFOHEADER, bottom-up BGRA, all-zero AND mask), the most widely read ICO entry. */
function encodeIcoBitmap(size, rgba) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR bitmap + AND mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(size * size * 4, 20);
  const pixels = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const from = (j * size + i) * 4;
      const to = ((size - 1 - j) * size + i) * 4;
      pixels[to] = rgba[from + 2];
      pixels[to + 1] = rgba[from + 1];
      pixels[to + 2] = rgba[from];
      pixels[to + 3] = rgba[from + 3];
    }
  }
  const maskStride = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, pixels, Buffer.alloc(maskStride * size)]);
}

/** An ICO: BMP entries up to 128 px for old readers, a PNG entry at 256 px as Windows Vista and later expect. */
function encodeIco(images) {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, n) => {
    const e = 6 + n * 16;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

/** An ICNS of PNG entries, with the OSType codes `iconutil` writes for each size. */
function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const pngs = new Map();
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) pngs.set(size, encodePng(size, render(size)));
const get = (size) => pngs.get(size);

const icns = encodeIcns([
  { type: 'icp4', png: get(16) },
  { type: 'icp5', png: get(32) },
  { type: 'ic11', png: get(32) }, // 16@2x
  { type: 'ic12', png: get(64) }, // 32@2x
  { type: 'ic07', png: get(128) },
  { type: 'ic13', png: get(256) }, // 128@2x
  { type: 'ic08', png: get(256) },
  { type: 'ic14', png: get(512) }, // 256@2x
  { type: 'ic09', png: get(512) },
  { type: 'ic10', png: get(1024) }, // 512@2x
]);
const ico = encodeIco([
  ...[16, 24, 32, 48, 64, 128].map((size) => ({ size, data: encodeIcoBitmap(size, render(size)) })),
  { size: 256, data: get(256) },
]);

fs.mkdirSync(outDir, { recursive: true });
const written = [
  ['icon.png', get(1024)],
  ['icon.icns', icns],
  ['icon.ico', ico],
];
for (const [name, data] of written) {
  fs.writeFileSync(path.join(outDir, name), data);
  console.log(`${path.relative(root, path.join(outDir, name))}  ${data.length} bytes`);
}
