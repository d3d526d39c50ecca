import { useTranslation } from 'react-i18next';
import type { FieldCounter } from '../../../../shared/preview/index';
import { usePreviewLayout } from './use-preview';
import { sourceLine } from './WarningList';
import './preview.css';

function counterKey(c: FieldCounter): string {
  return `${c.field}.${c.limitId.split('.')[0]}`;
}

/**
 * Under the title or summary: the field's length as each surface counts it — characters for the official account's
 * limits, bytes for WeCom, template characters (a run of letters or digits counts once), lines for the mini-program
 * card — red where it is over.
 */
export function FieldCounters({ field }: { field: FieldCounter['field'] }) {
  const { t } = useTranslation();
  const counters = usePreviewLayout().counters.filter((c) => c.field === field);
  return (
    <ul className="pv-counters" aria-label={t('preview.counters.label', { field: t(`preview.counters.${field}`) })}>
      {counters.map((c) => (
        <li key={c.limitId} className={c.over ? 'pv-counter over' : 'pv-counter'} data-limit={c.limitId} title={sourceLine(t, c.limitId)}>
          {t('preview.counters.item', { name: t(`preview.counters.${counterKey(c)}`), used: c.used, max: c.max, unit: t(`preview.unit.${c.unit}`) })}
        </li>
      ))}
    </ul>
  );
}
