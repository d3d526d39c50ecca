/**
 * Draws a funnel document as a PNG in the host with @napi-rs/canvas and the bundled Noto Sans SC (the preview fonts),
 * so the export needs no window and looks the same in the desktop app and browser mode. It draws from the document
 * alone: node boxes at their canvas positions, edges with their expected rates, each node's findings count.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { PREVIEW_FONT_FAMILY } from '../../../shared/preview/index';
import {
  NODE_KIND_COLORS,
  NODE_KIND_LABELS,
  type FunnelDocument,
  type FunnelFinding,
  type FunnelProjection,
} from '../../../shared/funnel/index';
import { registerPreviewFonts } from './preview-render';

/** The canvas's node size (renderer/src/features/funnels uses the same numbers). */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 92;
const MARGIN = 48;
const HEADER = 56;
/** Keeps a PNG of a sprawling plan within what image viewers and Skia handle comfortably. */
const MAX_SIDE = 8000;

function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px "${PREVIEW_FONT_FAMILY}"`;
}

function fitText(ctx: SKRSContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && ctx.measureText(`${chars.join('')}…`).width > width) chars.pop();
  return `${chars.join('')}…`;
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

export interface FunnelPng {
  png: Buffer;
  width: number;
  height: number;
}

export function renderFunnelPng(
  doc: FunnelDocument,
  projection: FunnelProjection,
  findings: readonly FunnelFinding[],
  options: { scale: number; locale: 'zh' | 'en'; subtitle: string },
): FunnelPng {
  registerPreviewFonts();
  const xs = doc.nodes.map((n) => n.x);
  const ys = doc.nodes.map((n) => n.y);
  const minX = xs.length ? Math.min(...xs) : 0;
  const minY = ys.length ? Math.min(...ys) : 0;
  const maxX = xs.length ? Math.max(...xs) + NODE_WIDTH : 480;
  const maxY = ys.length ? Math.max(...ys) + NODE_HEIGHT : 120;
  const width = Math.max(480, maxX - minX + MARGIN * 2);
  const height = maxY - minY + MARGIN * 2 + HEADER;
  const scale = Math.min(options.scale, MAX_SIDE / width, MAX_SIDE / height);
  const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.lang = options.locale === 'zh' ? 'zh-CN' : 'en';
  ctx.fillStyle = '#F7F7F7';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = 'rgba(0,0,0,0.9)';
  ctx.font = font(20, true);
  ctx.textBaseline = 'top';
  ctx.fillText(fitText(ctx, doc.name, width - MARGIN * 2), MARGIN, 16);
  ctx.font = font(12);
  ctx.fillStyle = 'rgba(0,0,0,0.5)';
  ctx.fillText(fitText(ctx, options.subtitle, width - MARGIN * 2), MARGIN, 42);

  const ox = MARGIN - minX;
  const oy = MARGIN + HEADER - minY;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  ctx.lineWidth = 1.5;
  for (const e of doc.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const x1 = s.x + ox + NODE_WIDTH;
    const y1 = s.y + oy + NODE_HEIGHT / 2;
    const x2 = t.x + ox;
    const y2 = t.y + oy + NODE_HEIGHT / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    ctx.strokeStyle = '#B2B2B2';
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
    ctx.stroke();
    ctx.fillStyle = '#B2B2B2';
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - 8, y2 - 4);
    ctx.lineTo(x2 - 8, y2 + 4);
    ctx.closePath();
    ctx.fill();
    const label = `${(e.expected * 100).toFixed(e.expected < 0.01 ? 2 : 1)}%`;
    ctx.font = font(11);
    const w = ctx.measureText(label).width + 8;
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    ctx.fillStyle = '#FFFFFF';
    roundRect(ctx, mx - w / 2, my - 9, w, 18, 4);
    ctx.fill();
    ctx.fillStyle = 'rgba(0,0,0,0.7)';
    ctx.fillText(label, mx - w / 2 + 4, my - 6);
  }

  const expected = new Map(projection.byScenario.expected.nodes.map((p) => [p.nodeId, p]));
  for (const n of doc.nodes) {
    const x = n.x + ox;
    const y = n.y + oy;
    const errors = findings.filter((f) => f.nodeId === n.id && f.severity === 'error').length;
    const warnings = findings.filter((f) => f.nodeId === n.id && f.severity === 'warning').length;
    ctx.fillStyle = '#FFFFFF';
    roundRect(ctx, x, y, NODE_WIDTH, NODE_HEIGHT, 8);
    ctx.fill();
    ctx.strokeStyle = errors ? '#FA5151' : 'rgba(0,0,0,0.1)';
    ctx.lineWidth = errors ? 2 : 1;
    ctx.stroke();
    ctx.fillStyle = NODE_KIND_COLORS[n.kind];
    ctx.fillRect(x, y + 8, 4, NODE_HEIGHT - 16);
    ctx.font = font(11);
    ctx.fillStyle = 'rgba(0,0,0,0.5)';
    ctx.fillText(fitText(ctx, NODE_KIND_LABELS[n.kind][options.locale], NODE_WIDTH - 60), x + 14, y + 10);
    ctx.font = font(14, true);
    ctx.fillStyle = 'rgba(0,0,0,0.9)';
    ctx.fillText(fitText(ctx, n.label, NODE_WIDTH - 24), x + 14, y + 28);
    ctx.font = font(11);
    ctx.fillStyle = 'rgba(0,0,0,0.5)';
    ctx.fillText(fitText(ctx, n.at ? n.at.replace('T', ' ') : '—', NODE_WIDTH - 24), x + 14, y + 50);
    const reach = Math.round(expected.get(n.id)?.reach ?? 0).toLocaleString('en-US');
    ctx.fillText(fitText(ctx, `${options.locale === 'zh' ? '预计触达' : 'Reach'} ${reach}`, NODE_WIDTH - 24), x + 14, y + 68);
    if (errors || warnings) {
      // Digits only: the bundled font is a subset, and the colour says error (red) or warning (orange).
      const badge = String(errors || warnings);
      ctx.font = font(11, true);
      const w = ctx.measureText(badge).width + 10;
      ctx.fillStyle = errors ? '#FA5151' : '#FA9D3B';
      roundRect(ctx, x + NODE_WIDTH - w - 8, y + 8, w, 18, 9);
      ctx.fill();
      ctx.fillStyle = '#FFFFFF';
      ctx.fillText(badge, x + NODE_WIDTH - w - 3, y + 11);
    }
  }
  return { png: canvas.toBuffer('image/png'), width: canvas.width, height: canvas.height };
}
