import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { LIMITS_TABLE, limit, limitSource, type PreviewWarning } from '../../../../shared/preview/index';

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Where a number comes from: the source's key, title and date (or "undated" with the table's compile date). */
export function sourceLine(t: TFunction, limitId: string): string {
  const l = limit(limitId);
  const source = limitSource(l);
  const date = l.date ?? t('preview.undated', { compiled: LIMITS_TABLE.compiledOn });
  return t('preview.source', { key: source.key, title: source.title, date });
}

/** A warning in words: units, crops and sizes named in the creator's language. */
export function warningText(t: TFunction, w: PreviewWarning): string {
  const p: Record<string, string | number> = { ...w.params };
  if (typeof p.unit === 'string') p.unit = t(`preview.unit.${p.unit}`);
  if (typeof p.crop === 'string') p.crop = t(`preview.crop.${p.crop}`);
  if (typeof p.bytes === 'number') p.size = formatBytes(p.bytes);
  if (typeof p.max === 'number' && (w.code === 'cover.tooLarge' || w.code === 'cover.heavyForShareIcon')) p.max = formatBytes(p.max);
  return t(`preview.warning.${w.code}`, p);
}

/** Warnings, errors first, each with its surface (when it has one) and the source of the number behind it. */
export function WarningList({ warnings, showSurface = true, emptyText }: { warnings: PreviewWarning[]; showSurface?: boolean; emptyText: string }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return <p className="muted pv-warnings-empty">{emptyText}</p>;
  return (
    <ul className="pv-warnings">
      {warnings.map((w, i) => (
        <li key={i} className={`pv-warning pv-${w.severity}`} data-code={w.code} data-surface={w.surface ?? undefined}>
          <span className="pv-severity">{t(`preview.severity.${w.severity}`)}</span>
          <span className="pv-warning-body">
            {showSurface && w.surface && <strong>{t(`preview.surface.${w.surface}`)}：</strong>}
            {warningText(t, w)}
            {w.limitId && <span className="pv-source muted">{sourceLine(t, w.limitId)}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
