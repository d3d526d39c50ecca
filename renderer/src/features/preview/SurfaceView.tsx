import type { CSSProperties } from 'react';
import { ICONS, type DisplayNode, type Paint, type SurfaceLayout } from '../../../../shared/preview/index';

function background(paint: Paint): string {
  if (typeof paint === 'string') return paint;
  return `linear-gradient(to bottom, ${paint.stops.map(([offset, color]) => `${color} ${offset * 100}%`).join(', ')})`;
}

function radius(r: number | [number, number, number, number] | undefined): string | undefined {
  if (r === undefined) return undefined;
  return Array.isArray(r) ? r.map((v) => `${v}px`).join(' ') : `${r}px`;
}

function Node({ node, coverUrl }: { node: DisplayNode; coverUrl: string | null }) {
  switch (node.kind) {
    case 'rect':
      return <div className="pv-rect" style={{ left: node.x, top: node.y, width: node.w, height: node.h, background: background(node.fill), borderRadius: radius(node.radius) }} />;
    case 'text':
      return (
        <span
          className="pv-text"
          data-role={node.role}
          data-width={node.w}
          style={{
            left: node.x,
            top: node.y,
            height: node.font.lineHeight,
            lineHeight: `${node.font.lineHeight}px`,
            fontSize: node.font.size,
            fontWeight: node.font.weight === 'bold' ? 700 : 400,
            color: node.color,
          }}
        >
          {node.text}
        </span>
      );
    case 'image': {
      const w = node.crop.x2 - node.crop.x1;
      const h = node.crop.y2 - node.crop.y1;
      const img: CSSProperties = {
        width: node.w / w,
        height: node.h / h,
        left: (-node.crop.x1 * node.w) / w,
        top: (-node.crop.y1 * node.h) / h,
      };
      return (
        <div className="pv-image" style={{ left: node.x, top: node.y, width: node.w, height: node.h, borderRadius: radius(node.radius) }}>
          {coverUrl && <img src={coverUrl} alt="" draggable={false} style={img} />}
        </div>
      );
    }
    case 'icon': {
      const icon = ICONS[node.name];
      return (
        <svg className="pv-icon" viewBox="0 0 24 24" width={node.size} height={node.size} style={{ left: node.x, top: node.y }} aria-hidden="true">
          <path d={icon.d} fill={node.color} fillRule={icon.fillRule} />
        </svg>
      );
    }
  }
}

/**
 * Draws one surface's display list as positioned elements: every line of text is placed where the shared layout put
 * it (the page never wraps or cuts text itself), so what the page shows is what the PNG export shows.
 */
export function SurfaceView({ layout, coverUrl, scale = 1, label }: { layout: SurfaceLayout; coverUrl: string | null; scale?: number; label: string }) {
  return (
    <div
      className="pv-frame"
      role="img"
      aria-label={label}
      data-surface={layout.id}
      style={{ width: layout.width * scale, height: layout.height * scale }}
    >
      <div
        className="pv-surface"
        style={{ width: layout.width, height: layout.height, background: layout.background, transform: scale === 1 ? undefined : `scale(${scale})` }}
      >
        {layout.nodes.map((node, i) => (
          <Node key={i} node={node} coverUrl={coverUrl} />
        ))}
      </div>
    </div>
  );
}
