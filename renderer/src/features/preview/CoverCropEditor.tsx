import { useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CROP_RATIOS,
  cropToPixels,
  defaultCrop,
  formatPicCrop,
  moveCrop,
  resizeFromCorner,
  sizeCrop,
  type CoverCrops,
  type CropBox,
} from '../../../../shared/preview/index';
import { useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';
import { useCoverState } from './use-preview';
import './preview.css';

type Kind = keyof CoverCrops;
const KINDS: Kind[] = ['crop235', 'crop11', 'focus'];
const API_NAMES: Record<'crop235' | 'crop11', string> = { crop235: 'pic_crop_235_1', crop11: 'pic_crop_1_1' };

type Drag = { mode: 'move' | 'resize'; startX: number; startY: number; start: CropBox; box: CropBox; pointerId: number };

/**
 * Sets the cover's WeChat crops on the cover itself: the 2.35:1 box (lead article, draft/add's pic_crop_235_1), the
 * 1:1 box (secondary article and share icons, pic_crop_1_1) and the key region every surface is checked against.
 * A drag is one undo step (committed on release); arrow-key moves coalesce into one step per box.
 */
export function CoverCropEditor() {
  const { t } = useTranslation();
  const id = useId();
  const { client } = useStores();
  const store = useEditorStore();
  const crops = useEditor((s) => s.draft.coverCrops);
  const { hash, cover } = useCoverState();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<Kind>('crop235');
  const [drag, setDrag] = useState<Drag | null>(null);
  const stageRef = useRef<HTMLDivElement>(null);

  if (!hash) return null;
  const facts = cover?.state === 'ready' ? cover.facts : null;
  const ratio = kind === 'focus' ? null : CROP_RATIOS[kind];
  const stored = crops[kind];
  const shown: CropBox | null = drag?.box ?? (stored ?? (facts && kind !== 'focus' ? defaultCrop(facts.width, facts.height, ratio!) : null));
  const kindName = t(`preview.cropEditor.kinds.${kind}`);

  const commit = (box: CropBox | null, coalesce?: string) =>
    store.getState().apply((d) => ({ ...d, coverCrops: { ...d.coverCrops, [kind]: box } }), coalesce ? { coalesce } : {});

  const status = (k: Kind) =>
    crops[k] ? t('preview.cropEditor.set') : k === 'focus' ? t('preview.cropEditor.focusUnset') : t('preview.cropEditor.unset');

  const pointerDown = (e: PointerEvent, mode: Drag['mode']) => {
    if (!shown || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ mode, startX: e.clientX, startY: e.clientY, start: shown, box: shown, pointerId: e.pointerId });
  };
  const pointerMove = (e: PointerEvent) => {
    const stage = stageRef.current;
    if (!drag || !stage || !facts || e.pointerId !== drag.pointerId) return;
    const dx = (e.clientX - drag.startX) / stage.clientWidth;
    const dy = (e.clientY - drag.startY) / stage.clientHeight;
    const s = drag.start;
    const box =
      drag.mode === 'move'
        ? moveCrop(s, dx, dy)
        : resizeFromCorner(s, s.x2 - s.x1 + dx, s.y2 - s.y1 + dy, facts.width, facts.height, ratio);
    setDrag({ ...drag, box });
  };
  const pointerUp = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const moved = drag.box.x1 !== drag.start.x1 || drag.box.y1 !== drag.start.y1 || drag.box.x2 !== drag.start.x2 || drag.box.y2 !== drag.start.y2;
    if (moved) commit(drag.box);
    setDrag(null);
  };
  const keyDown = (e: KeyboardEvent) => {
    if (!shown || !facts) return;
    const step = e.shiftKey ? 0.1 : 0.01;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const center = { x: (shown.x1 + shown.x2) / 2, y: (shown.y1 + shown.y2) / 2 };
    const w = shown.x2 - shown.x1;
    const h = shown.y2 - shown.y1;
    let next: CropBox | null = null;
    if (moves[e.key]) next = moveCrop(shown, ...moves[e.key]!);
    else if (e.key === '+' || e.key === '=') next = sizeCrop(center, w * 1.05, facts.width, facts.height, ratio, h * 1.05);
    else if (e.key === '-' || e.key === '_') next = sizeCrop(center, w / 1.05, facts.width, facts.height, ratio, h / 1.05);
    if (!next) return;
    e.preventDefault();
    commit(next, `crop:${kind}`);
  };

  const pixels = shown && facts ? cropToPixels(shown, facts.width, facts.height) : null;

  return (
    <div className="pv-crop">
      <button type="button" className="link-button pv-crop-toggle" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} {t('preview.cropEditor.toggle')}
        <span className="muted"> · {t('preview.cropEditor.summary', { crop235: status('crop235'), crop11: status('crop11'), focus: status('focus') })}</span>
      </button>
      {open && (
        <div id={`${id}-panel`} className="pv-crop-panel">
          <div className="segmented" role="radiogroup" aria-label={t('preview.cropEditor.kinds.label')}>
            {KINDS.map((k) => (
              <label key={k} className={kind === k ? 'segment selected' : 'segment'}>
                <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />
                {t(`preview.cropEditor.kinds.${k}`)}
              </label>
            ))}
          </div>
          {!facts && <p className="muted hint">{cover?.state === 'error' ? t('preview.cropEditor.error', { reason: cover.code }) : t('preview.cropEditor.loading')}</p>}
          {facts && (
            <div ref={stageRef} className="pv-crop-stage" style={{ aspectRatio: `${facts.width} / ${facts.height}` }}>
              <img src={client.mediaUrl(hash)} alt="" draggable={false} />
              {shown && (
                <div
                  className={`pv-crop-box pv-crop-${kind}${stored || drag ? '' : ' pv-crop-default'}`}
                  role="group"
                  tabIndex={0}
                  aria-label={t('preview.cropEditor.box', { kind: kindName })}
                  data-box={formatPicCrop(shown)}
                  style={{
                    left: `${shown.x1 * 100}%`,
                    top: `${shown.y1 * 100}%`,
                    width: `${(shown.x2 - shown.x1) * 100}%`,
                    height: `${(shown.y2 - shown.y1) * 100}%`,
                  }}
                  onPointerDown={(e) => pointerDown(e, 'move')}
                  onPointerMove={pointerMove}
                  onPointerUp={pointerUp}
                  onPointerCancel={() => setDrag(null)}
                  onKeyDown={keyDown}
                >
                  <span
                    className="pv-crop-handle"
                    aria-label={t('preview.cropEditor.handle', { kind: kindName })}
                    onPointerDown={(e) => pointerDown(e, 'resize')}
                    onPointerMove={pointerMove}
                    onPointerUp={pointerUp}
                  />
                </div>
              )}
            </div>
          )}
          <div className="pv-crop-info">
            {kind !== 'focus' && shown && (
              <code className="mono" data-testid={`crop-value-${kind}`}>
                {API_NAMES[kind]} = {formatPicCrop(shown)}
              </code>
            )}
            {pixels && <span className="muted">{t('preview.cropEditor.pixels', { width: Math.round(pixels.width), height: Math.round(pixels.height) })}</span>}
            {kind !== 'focus' && !stored && <span className="muted">{t('preview.cropEditor.notSet')}</span>}
            {kind === 'focus' && !stored && <span className="muted">{t('preview.cropEditor.focusNotSet')}</span>}
          </div>
          <div className="cover-actions">
            {kind !== 'focus' && stored && (
              <button type="button" className="secondary" onClick={() => commit(null)}>
                {t('preview.cropEditor.reset')}
              </button>
            )}
            {kind === 'focus' && !stored && facts && (
              <button type="button" className="secondary" onClick={() => commit(sizeCrop({ x: 0.5, y: 0.5 }, 0.4, facts.width, facts.height, null, 0.5))}>
                {t('preview.cropEditor.markFocus')}
              </button>
            )}
            {kind === 'focus' && stored && (
              <button type="button" className="secondary" onClick={() => commit(null)}>
                {t('preview.cropEditor.clearFocus')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
