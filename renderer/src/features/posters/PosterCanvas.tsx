/**
 * The poster on a Konva stage. Each element is one Konva shape whose sceneFunc calls the shared painter
 * (shared/poster/paint.ts) — the same code that draws the export — so what the creator sees is what is exported.
 * Konva renders the store's document and owns nothing: a drag or a transform moves Konva nodes only while the pointer
 * is down, and the drop commits one change to the store.
 */
import { useEffect, useMemo, useRef } from 'react';
import type Konva from 'konva';
import { Layer, Line, Rect, Shape, Stage, Transformer } from 'react-konva';
import { useTranslation } from 'react-i18next';
import { boundsOf, paintElementLocal, resolveColor, snapBox, unionBounds, type PaintContext, type PaintResources, type PosterElement } from '../../../../shared/poster/index';
import { useStores } from '../../app/stores';
import { editorResources, useAssetsVersion } from './poster-assets';
import { usePosterEditor, usePosterEditorStore } from './PosterEditorContext';

const SNAP_PX = 8;

function ElementShape({ el, res, selected, onPointerDown, onDragMove, onDragEnd, onDblClick }: {
  el: PosterElement;
  res: PaintResources;
  selected: boolean;
  onPointerDown: (el: PosterElement, additive: boolean) => void;
  onDragMove: (el: PosterElement, node: Konva.Node) => void;
  onDragEnd: (el: PosterElement, node: Konva.Node) => void;
  onDblClick: (el: PosterElement) => void;
}) {
  return (
    <Shape
      id={el.id}
      name="poster-element"
      x={el.x}
      y={el.y}
      width={el.width}
      height={el.height}
      rotation={el.rotation}
      visible={!el.hidden}
      draggable={selected && !el.locked}
      listening={!el.locked}
      sceneFunc={(context) => paintElementLocal(context._context as unknown as PaintContext, el, res)}
      hitFunc={(context, shape) => {
        context.beginPath();
        context.rect(0, 0, el.width, el.height);
        context.closePath();
        context.fillStrokeShape(shape);
      }}
      onMouseDown={(e) => {
        e.cancelBubble = true;
        onPointerDown(el, e.evt.shiftKey || e.evt.metaKey || e.evt.ctrlKey);
      }}
      onTap={() => onPointerDown(el, false)}
      onDragMove={(e) => onDragMove(el, e.target)}
      onDragEnd={(e) => onDragEnd(el, e.target)}
      onDblClick={() => onDblClick(el)}
    />
  );
}

export function PosterCanvas() {
  const { t } = useTranslation();
  const { client } = useStores();
  const store = usePosterEditorStore();
  const doc = usePosterEditor((s) => s.history.present);
  const brand = usePosterEditor((s) => s.brand);
  const posterId = usePosterEditor((s) => s.posterId);
  const selection = usePosterEditor((s) => s.selection);
  const zoom = usePosterEditor((s) => s.zoom);
  const guides = usePosterEditor((s) => s.guides);
  const assets = useAssetsVersion();
  const transformer = useRef<Konva.Transformer>(null);
  const stage = useRef<Konva.Stage>(null);
  const dragStart = useRef<Map<string, { x: number; y: number }>>(new Map());

  // The resources object changes with the document or a loaded image (`assets`), so every shape repaints.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const res = useMemo(() => editorResources(doc, brand, posterId, client), [doc, brand, posterId, client, assets]);

  const selectedUnlocked = useMemo(() => doc.elements.filter((e) => selection.includes(e.id) && !e.locked && !e.hidden), [doc, selection]);

  useEffect(() => {
    const tr = transformer.current;
    const st = stage.current;
    if (!tr || !st) return;
    tr.nodes(selectedUnlocked.map((e) => st.findOne(`#${e.id}`)).filter((n): n is Konva.Node => Boolean(n)));
    tr.getLayer()?.batchDraw();
  }, [selectedUnlocked, doc]);

  const onPointerDown = (el: PosterElement, additive: boolean) => {
    if (!store.getState().selection.includes(el.id) || additive) store.getState().select([el.id], additive);
  };

  const onDragMove = (el: PosterElement, node: Konva.Node) => {
    const state = store.getState();
    const moving = state.history.present.elements.filter((e) => state.selection.includes(e.id) && !e.locked);
    if (dragStart.current.size === 0) for (const m of moving) dragStart.current.set(m.id, { x: m.x, y: m.y });
    const start = dragStart.current.get(el.id) ?? { x: el.x, y: el.y };
    let dx = node.x() - start.x;
    let dy = node.y() - start.y;
    const box = unionBounds(moving.map((m) => boundsOf({ ...m, x: m.x + dx, y: m.y + dy })));
    if (box) {
      const others = state.history.present.elements.filter((e) => !state.selection.includes(e.id) && !e.hidden).map(boundsOf);
      const snapped = snapBox(box, others, state.history.present, SNAP_PX / state.zoom);
      dx += snapped.x - box.x;
      dy += snapped.y - box.y;
      state.setGuides(snapped.guides);
    }
    node.position({ x: start.x + dx, y: start.y + dy });
    // Other selected elements follow on the canvas only; the document changes once, on drop.
    for (const m of moving) {
      if (m.id === el.id) continue;
      stage.current?.findOne(`#${m.id}`)?.position({ x: m.x + dx, y: m.y + dy });
    }
  };

  const onDragEnd = (el: PosterElement, node: Konva.Node) => {
    const state = store.getState();
    const start = dragStart.current.get(el.id) ?? { x: el.x, y: el.y };
    const dx = Math.round(node.x() - start.x);
    const dy = Math.round(node.y() - start.y);
    dragStart.current.clear();
    state.setGuides([]);
    const ids = state.selection.includes(el.id) ? state.selection : [el.id];
    state.apply({ type: 'move', ids, dx, dy });
    // If nothing changed (a click that jittered by under half a pixel), put Konva's nodes back on the document.
    if (dx === 0 && dy === 0) for (const id of ids) {
      const e = state.history.present.elements.find((x) => x.id === id);
      if (e) stage.current?.findOne(`#${id}`)?.position({ x: e.x, y: e.y });
    }
  };

  const onTransformEnd = () => {
    const tr = transformer.current;
    if (!tr) return;
    const boxes = tr.nodes().map((node) => {
      const width = Math.max(4, Math.round(node.width() * node.scaleX()));
      const height = Math.max(4, Math.round(node.height() * node.scaleY()));
      node.scale({ x: 1, y: 1 });
      return { id: node.id(), x: Math.round(node.x()), y: Math.round(node.y()), width, height, rotation: Math.round(node.rotation() * 10) / 10 };
    });
    store.getState().apply({ type: 'transform', boxes });
  };

  const keepRatio = selectedUnlocked.some((e) => e.type === 'qr');

  return (
    <div className="poster-stage" data-testid="poster-stage" aria-label={t('posters.editor.canvas')} role="img">
      <Stage
        ref={stage}
        width={doc.width * zoom}
        height={doc.height * zoom}
        scaleX={zoom}
        scaleY={zoom}
        onMouseDown={(e) => {
          if (e.target === e.target.getStage()) store.getState().select([]);
        }}
      >
        <Layer>
          <Rect
            name="poster-background"
            x={0}
            y={0}
            width={doc.width}
            height={doc.height}
            fill={resolveColor(doc.background, brand)}
            onMouseDown={() => store.getState().select([])}
          />
          {doc.elements.map((el) => (
            <ElementShape
              key={el.id}
              el={el}
              res={res}
              selected={selection.includes(el.id)}
              onPointerDown={onPointerDown}
              onDragMove={onDragMove}
              onDragEnd={onDragEnd}
              onDblClick={(e) => e.type === 'text' && !e.locked && store.getState().editText(e.id)}
            />
          ))}
          {guides.map((g, i) => (
            <Line
              key={i}
              points={g.axis === 'x' ? [g.at, 0, g.at, doc.height] : [0, g.at, doc.width, g.at]}
              stroke="#FF3B8B"
              strokeWidth={1 / zoom}
              dash={[6 / zoom, 4 / zoom]}
              listening={false}
            />
          ))}
          <Transformer
            ref={transformer}
            keepRatio={keepRatio}
            rotationSnaps={[0, 90, 180, 270]}
            ignoreStroke
            onTransformEnd={onTransformEnd}
            boundBoxFunc={(oldBox, newBox) => (newBox.width < 4 || newBox.height < 4 ? oldBox : newBox)}
          />
        </Layer>
      </Stage>
    </div>
  );
}
