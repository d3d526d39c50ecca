/**
 * The editor's side panels: properties of the selected element, layers, sample values of the variables, the
 * compliance and QR checks, the single export, and the batch export.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { BRAND_COLOR_KEYS, POSTER_VARIABLES, type PosterColor, type PosterElement } from '../../../../shared/poster/index';
import { saveBytesFile } from '../../api/save-file';
import { usePosterEditor, usePosterEditorStore } from './PosterEditorContext';
import { useStores } from '../../app/stores';
import { importImage } from './image-import';
import type { ElementPatch } from '../../../../shared/poster/operations';

/** A number input that commits on blur or Enter (one undo step per edit, not per keystroke). */
function NumberField({ label, value, onCommit, min, step = 1 }: { label: string; value: number; onCommit: (v: number) => void; min?: number; step?: number }) {
  const [text, setText] = useState(String(Math.round(value * 100) / 100));
  const [shown, setShown] = useState(value);
  // The document changed underneath (undo, a drag): show the new value (React's "adjust state on prop change").
  if (shown !== value) {
    setShown(value);
    setText(String(Math.round(value * 100) / 100));
  }
  const commit = () => {
    const n = Number(text);
    if (Number.isFinite(n) && (min === undefined || n >= min) && n !== value) onCommit(n);
    else setText(String(Math.round(value * 100) / 100));
  };
  return (
    <label className="poster-field">
      <span>{label}</span>
      <input type="number" aria-label={label} value={text} step={step} min={min} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
    </label>
  );
}

/** A text field that keeps its own value while typing (IME-safe) and commits on blur. */
function TextField({ label, value, onCommit, multiline = false }: { label: string; value: string; onCommit: (v: string) => void; multiline?: boolean }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const commit = () => text !== value && onCommit(text);
  return (
    <label className="poster-field poster-field-wide">
      <span>{label}</span>
      {multiline ? (
        <textarea aria-label={label} value={text} rows={3} onChange={(e) => setText(e.target.value)} onBlur={commit} />
      ) : (
        <input aria-label={label} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => !e.nativeEvent.isComposing && e.key === 'Enter' && commit()} />
      )}
    </label>
  );
}

function ColorField({ label, value, onCommit }: { label: string; value: PosterColor; onCommit: (v: PosterColor) => void }) {
  const { t } = useTranslation();
  const brand = usePosterEditor((s) => s.brand);
  const isBrand = value.startsWith('brand.');
  const hex = isBrand ? brand.colors[value.slice(6) as keyof typeof brand.colors] : value.slice(0, 7);
  return (
    <div className="poster-field poster-color">
      <span>{label}</span>
      <select aria-label={`${label} · ${t('posters.props.brandColor')}`} value={isBrand ? value : ''} onChange={(e) => onCommit(e.target.value || hex.toUpperCase())}>
        <option value="">{t('posters.props.customColor')}</option>
        {BRAND_COLOR_KEYS.map((k) => (
          <option key={k} value={`brand.${k}`}>
            {t(`posters.brand.${k}`)}
          </option>
        ))}
      </select>
      <input type="color" aria-label={label} value={hex.toLowerCase()} onChange={(e) => onCommit(e.target.value.toUpperCase())} />
    </div>
  );
}

function ElementProps({ el }: { el: PosterElement }) {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const update = (patch: ElementPatch) => store.getState().apply({ type: 'update', id: el.id, patch });
  const box = (key: 'x' | 'y' | 'width' | 'height' | 'rotation') => (v: number) =>
    store.getState().apply({ type: 'transform', boxes: [{ id: el.id, x: el.x, y: el.y, width: el.width, height: el.height, rotation: el.rotation, [key]: v }] });
  return (
    <>
      <div className="poster-grid">
        <NumberField label="X" value={el.x} onCommit={box('x')} />
        <NumberField label="Y" value={el.y} onCommit={box('y')} />
        <NumberField label={t('posters.props.width')} value={el.width} min={1} onCommit={box('width')} />
        <NumberField label={t('posters.props.height')} value={el.height} min={1} onCommit={box('height')} />
        <NumberField label={t('posters.props.rotation')} value={el.rotation} onCommit={box('rotation')} />
        <NumberField label={t('posters.props.opacity')} value={el.opacity} min={0} step={0.1} onCommit={(v) => update({ opacity: Math.min(1, v) })} />
      </div>
      {el.type === 'text' && (
        <>
          <TextField label={t('posters.props.text')} value={el.text} multiline onCommit={(text) => update({ text })} />
          <div className="poster-grid">
            <NumberField label={t('posters.props.fontSize')} value={el.fontSize} min={8} onCommit={(fontSize) => update({ fontSize })} />
            <NumberField label={t('posters.props.lineHeight')} value={el.lineHeight} min={0.8} step={0.1} onCommit={(lineHeight) => update({ lineHeight })} />
            <label className="poster-field">
              <span>{t('posters.props.bold')}</span>
              <input type="checkbox" checked={el.fontWeight === 'bold'} onChange={(e) => update({ fontWeight: e.target.checked ? 'bold' : 'regular' })} />
            </label>
            <label className="poster-field">
              <span>{t('posters.props.autoFit')}</span>
              <input type="checkbox" checked={el.autoFit} onChange={(e) => update({ autoFit: e.target.checked })} />
            </label>
            <label className="poster-field">
              <span>{t('posters.props.align')}</span>
              <select value={el.align} onChange={(e) => update({ align: e.target.value as 'left' | 'center' | 'right' })}>
                {(['left', 'center', 'right'] as const).map((a) => (
                  <option key={a} value={a}>
                    {t(`posters.props.alignOption.${a}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ColorField label={t('posters.props.color')} value={el.color} onCommit={(color) => update({ color })} />
        </>
      )}
      {el.type === 'image' && (
        <div className="poster-grid">
          <label className="poster-field">
            <span>{t('posters.props.mask')}</span>
            <select value={el.mask} onChange={(e) => update({ mask: e.target.value as 'rect' | 'rounded' | 'circle' })}>
              {(['rect', 'rounded', 'circle'] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`posters.props.maskOption.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <NumberField label={t('posters.props.radius')} value={el.radius} min={0} onCommit={(radius) => update({ radius })} />
          {(['x', 'y', 'width', 'height'] as const).map((k) => {
            const crop = el.crop ?? { x: 0, y: 0, width: 1, height: 1 };
            return (
              <NumberField
                key={k}
                label={t(`posters.props.crop.${k}`)}
                value={Math.round(crop[k] * 1000) / 10}
                min={0}
                onCommit={(v) => {
                  const next = { ...crop, [k]: Math.min(k === 'x' || k === 'y' ? 99 : 100, Math.max(k === 'width' || k === 'height' ? 1 : 0, v)) / 100 };
                  // Keep the crop inside the picture: shrink the size when the origin moves past it.
                  next.width = Math.min(next.width, 1 - next.x);
                  next.height = Math.min(next.height, 1 - next.y);
                  update({ crop: next });
                }}
              />
            );
          })}
          <button type="button" className="link-button" disabled={!el.crop} onClick={() => update({ crop: null })}>
            {t('posters.props.crop.reset')}
          </button>
        </div>
      )}
      {el.type === 'shape' && (
        <>
          <ColorField label={t('posters.props.fill')} value={el.fill ?? '#FFFFFF'} onCommit={(fill) => update({ fill })} />
          <NumberField label={t('posters.props.radius')} value={el.radius} min={0} onCommit={(radius) => update({ radius })} />
        </>
      )}
      {el.type === 'qr' && (
        <>
          <label className="poster-field">
            <span>{t('posters.props.ecc')}</span>
            <select value={el.errorCorrection} onChange={(e) => update({ errorCorrection: e.target.value as 'L' | 'M' | 'Q' | 'H' })}>
              {(['L', 'M', 'Q', 'H'] as const).map((l) => (
                <option key={l} value={l}>
                  {t(`posters.props.eccOption.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <ColorField label={t('posters.props.foreground')} value={el.foreground} onCommit={(foreground) => update({ foreground })} />
          <ColorField label={t('posters.props.background')} value={el.background} onCommit={(background) => update({ background })} />
        </>
      )}
    </>
  );
}

export function PropertiesPanel() {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const selected = usePosterEditor(useShallow((s) => s.history.present.elements.filter((e) => s.selection.includes(e.id))));
  const background = usePosterEditor((s) => s.history.present.background);
  return (
    <section className="poster-panel" aria-label={t('posters.props.title')}>
      <h3>{t('posters.props.title')}</h3>
      {selected.length === 1 ? (
        <ElementProps el={selected[0]!} />
      ) : selected.length > 1 ? (
        <p className="muted">{t('posters.props.many', { count: selected.length })}</p>
      ) : (
        <ColorField label={t('posters.props.posterBackground')} value={background} onCommit={(color) => store.getState().apply({ type: 'setBackground', color })} />
      )}
    </section>
  );
}

export function LayersPanel() {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const elements = usePosterEditor((s) => s.history.present.elements);
  const selection = usePosterEditor((s) => s.selection);
  return (
    <section className="poster-panel" aria-label={t('posters.layers.title')}>
      <h3>{t('posters.layers.title')}</h3>
      <ol className="poster-layers" aria-label={t('posters.layers.title')}>
        {[...elements].reverse().map((el) => (
          <li key={el.id} className={selection.includes(el.id) ? 'selected' : undefined} data-layer={el.id}>
            <button type="button" className="poster-layer-name" aria-pressed={selection.includes(el.id)} onClick={(e) => store.getState().select([el.id], e.shiftKey || e.metaKey || e.ctrlKey)}>
              {el.groupId ? '▣ ' : ''}
              {el.name || t(`posters.type.${el.type}`)}
            </button>
            <button type="button" aria-label={t(el.locked ? 'posters.layers.unlock' : 'posters.layers.lock', { name: el.name })} aria-pressed={el.locked} onClick={() => store.getState().apply({ type: 'lock', ids: [el.id], locked: !el.locked })}>
              {el.locked ? '🔒' : '🔓'}
            </button>
            <button type="button" aria-label={t(el.hidden ? 'posters.layers.show' : 'posters.layers.hide', { name: el.name })} aria-pressed={el.hidden} onClick={() => store.getState().apply({ type: 'update', id: el.id, patch: { hidden: !el.hidden } })}>
              {el.hidden ? '◌' : '●'}
            </button>
            <button type="button" aria-label={t('posters.layers.up', { name: el.name })} onClick={() => store.getState().apply({ type: 'reorder', ids: [el.id], to: 'forward' })}>
              ↑
            </button>
            <button type="button" aria-label={t('posters.layers.down', { name: el.name })} onClick={() => store.getState().apply({ type: 'reorder', ids: [el.id], to: 'backward' })}>
              ↓
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function VariablesPanel() {
  const { t } = useTranslation();
  const { client } = useStores();
  const store = usePosterEditorStore();
  const values = usePosterEditor((s) => s.history.present.sampleValues);
  return (
    <section className="poster-panel" aria-label={t('posters.variables.title')}>
      <h3>{t('posters.variables.title')}</h3>
      <p className="muted">{t('posters.variables.hint')}</p>
      <div className="poster-grid">
        {POSTER_VARIABLES.map((name) => (
          <TextField key={name} label={`${t(`posters.variables.${name}`)} {{${name}}}`} value={values[name] ?? ''} onCommit={(value) => store.getState().apply({ type: 'setSampleValue', name, value })} />
        ))}
        <label className="poster-field poster-field-wide">
          <span>{t('posters.variables.avatarFile')}</span>
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) store.getState().apply({ type: 'setSampleValue', name: 'avatar', value: await importImage(client, file) });
            }}
          />
        </label>
      </div>
    </section>
  );
}

export function CheckPanel() {
  const { t, i18n } = useTranslation();
  const check = usePosterEditor((s) => s.check);
  const store = usePosterEditorStore();
  if (!check) return null;
  const en = i18n.language === 'en-US';
  return (
    <section className="poster-panel" aria-label={t('posters.check.title')}>
      <h3>{t('posters.check.title')}</h3>
      {check.findings.length === 0 && check.qr.every((q) => q.warnings.length === 0) && <p className="muted">{t('posters.check.clean')}</p>}
      <ul className="poster-findings">
        {check.findings.map((f, i) => (
          <li key={i} className={`finding-${f.severity}`} data-category={f.category}>
            <button type="button" className="link-button" onClick={() => store.getState().select([f.elementId])}>
              {t(`posters.check.severity.${f.severity}`)} · {t(`compliance.categories.${f.category}`)}：「{f.text}」
            </button>
            <div className="muted">{en ? f.message.en : f.message.zh}</div>
          </li>
        ))}
        {check.qr.flatMap((q) =>
          q.warnings.map((w) => (
            <li key={`${q.elementId}-${w.code}`} className="finding-warning" data-qr-warning={w.code}>
              {t(`posters.check.${w.code}`, { value: w.value })}
            </li>
          )),
        )}
      </ul>
    </section>
  );
}

export function ExportPanel() {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const exporting = usePosterEditor((s) => s.exporting);
  const result = usePosterEditor((s) => s.exportResult);
  const mustFix = usePosterEditor((s) => s.check?.findings.some((f) => f.severity === 'must_fix') ?? false);
  const blocked = usePosterEditor((s) => s.check?.findings.some((f) => f.severity === 'block') ?? false);
  const [format, setFormat] = useState<'png' | 'jpeg'>('png');
  const [ack, setAck] = useState(false);
  return (
    <section className="poster-panel" aria-label={t('posters.export.title')}>
      <h3>{t('posters.export.title')}</h3>
      <label className="poster-field">
        <span>{t('posters.export.format')}</span>
        <select value={format} onChange={(e) => setFormat(e.target.value as 'png' | 'jpeg')}>
          <option value="png">PNG</option>
          <option value="jpeg">JPEG</option>
        </select>
      </label>
      {mustFix && !blocked && (
        <label className="poster-field poster-field-wide">
          <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} />
          <span>{t('posters.export.acknowledge')}</span>
        </label>
      )}
      <button
        type="button"
        className="primary"
        disabled={exporting}
        onClick={async () => {
          const out = await store.getState().exportPoster(format, ack);
          if (out) saveBytesFile(out.fileName, out.dataBase64, out.mime);
        }}
      >
        {exporting ? t('posters.export.running') : t('posters.export.button')}
      </button>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'muted' : 'error-text'}>
          {result.ok ? t('posters.export.done', { fileName: result.fileName }) : result.code === 'COMPLIANCE_BLOCKED' ? t('posters.export.blocked', { text: result.detail }) : t(`error.${result.code}`, { defaultValue: t('error.INTERNAL') })}
        </p>
      )}
    </section>
  );
}

export function BatchPanel() {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const batch = usePosterEditor((s) => s.batch);
  const error = usePosterEditor((s) => s.batchError);
  const [source, setSource] = useState<'csv' | 'members'>('csv');
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [outputDir, setOutputDir] = useState('');
  const [pattern, setPattern] = useState('{{nickname}}-{{index}}');
  const [format, setFormat] = useState<'png' | 'jpeg'>('png');
  const [ack, setAck] = useState(false);
  const running = batch?.state === 'running';
  return (
    <section className="poster-panel" aria-label={t('posters.batch.title')}>
      <h3>{t('posters.batch.title')}</h3>
      <div className="poster-field poster-field-wide" role="radiogroup" aria-label={t('posters.batch.source')}>
        <label>
          <input type="radio" name="batch-source" checked={source === 'csv'} onChange={() => setSource('csv')} /> {t('posters.batch.csv')}
        </label>
        <label>
          <input type="radio" name="batch-source" checked={source === 'members'} onChange={() => setSource('members')} /> {t('posters.batch.members')}
        </label>
      </div>
      {source === 'csv' && (
        <label className="poster-field poster-field-wide">
          <span>{t('posters.batch.csvFile')}</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              setCsv(file ? { name: file.name, text: await file.text() } : null);
            }}
          />
        </label>
      )}
      <p className="muted">{t('posters.batch.csvHint')}</p>
      <TextField label={t('posters.batch.outputDir')} value={outputDir} onCommit={setOutputDir} />
      <p className="muted">{t('posters.batch.outputHint')}</p>
      <TextField label={t('posters.batch.pattern')} value={pattern} onCommit={setPattern} />
      <label className="poster-field">
        <span>{t('posters.export.format')}</span>
        <select value={format} onChange={(e) => setFormat(e.target.value as 'png' | 'jpeg')}>
          <option value="png">PNG</option>
          <option value="jpeg">JPEG</option>
        </select>
      </label>
      <label className="poster-field poster-field-wide">
        <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} />
        <span>{t('posters.export.acknowledge')}</span>
      </label>
      <div className="poster-actions">
        <button
          type="button"
          className="primary"
          disabled={running || (source === 'csv' && !csv)}
          onClick={() =>
            void store.getState().startBatch({
              source: source === 'csv' ? { kind: 'csv', text: csv?.text ?? '' } : { kind: 'members' },
              outputDir,
              pattern,
              format,
              acknowledgeMustFix: ack,
            })
          }
        >
          {t('posters.batch.start')}
        </button>
        {running && (
          <button type="button" onClick={() => void store.getState().cancelBatch()}>
            {t('posters.batch.cancel')}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error.code === 'INVALID_INPUT' && error.field
            ? t(`posters.batch.errors.${error.field}`, { line: error.line ?? 0, defaultValue: t('error.INVALID_INPUT') })
            : error.code === 'COMPLIANCE_BLOCKED'
              ? t('posters.batch.blocked', { line: error.line ?? 0, text: error.detail })
              : t(`error.${error.code}`, { defaultValue: t('error.INTERNAL') })}
        </p>
      )}
      {batch && (
        <div className="poster-batch-progress" data-state={batch.state}>
          <progress max={batch.total} value={batch.done + batch.failed} aria-label={t('posters.batch.progress')} />
          <p role="status">
            {t(`posters.batch.state.${batch.state}`, { done: batch.done, total: batch.total, failed: batch.failed })}
          </p>
          <p className="muted poster-path">{batch.outputDir}</p>
          {batch.errors.length > 0 && (
            <ul>
              {batch.errors.map((e, i) => (
                <li key={i}>{t('posters.batch.rowError', { line: e.line, name: e.name, reason: t(`posters.batch.errors.${e.code}`, { defaultValue: e.code }) })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
