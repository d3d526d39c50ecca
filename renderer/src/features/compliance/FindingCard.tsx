import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useBilingual } from './ComplianceProvider';
import type { LiveFinding } from './compliance-store';

/** A suggestion may offer alternatives ("口碑很好 / 很受学员欢迎"): each is a rewrite of its own. */
export function alternatives(suggestion: string): string[] {
  const parts = suggestion.split(/\s+\/\s+/).map((s) => s.trim()).filter(Boolean);
  return parts.length > 0 ? [...new Set(parts)] : [suggestion];
}

/**
 * Why a span was flagged: the message, its basis (law or platform rule), the suggested rewrite with "应用建议", and
 * for must-fix findings the acknowledgement (or the way to one, in the report).
 *
 * The rewrite replaces Chinese text, so its Chinese form is what gets applied; the English UI shows the English
 * explanation beside it.
 */
export function FindingCard({
  id,
  finding,
  acknowledgement,
  style,
  onApply,
  onOpenReport,
  onClose,
}: {
  id: string;
  finding: LiveFinding;
  acknowledgement: { actor: string; reason: string } | null;
  style: CSSProperties;
  onApply: (finding: LiveFinding, replacement: string) => void;
  onOpenReport: (finding: LiveFinding) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const pick = useBilingual();
  const en = i18n.language.startsWith('en');
  const category = t(`compliance.categories.${finding.category}`);
  return (
    <div id={id} className={`cx-card cx-${finding.severity}`} role="group" aria-label={t('compliance.card.label', { category })} style={style}>
      <div className="cx-card-head">
        <span className={`cx-badge cx-${finding.severity}`}>{t(`compliance.severities.${finding.severity}`)}</span>
        <strong>{category}</strong>
        <button type="button" className="icon-button" aria-label={t('compliance.card.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <p className="cx-card-message">{pick(finding.message)}</p>
      <p className="cx-card-basis">
        <span className="muted">{t('compliance.card.basis')}</span> {pick(finding.basis)}
      </p>
      {finding.suggestion && (
        <div className="cx-card-suggestion">
          <p>
            <span className="muted">{t('compliance.card.suggestion')}</span> 「{finding.suggestion.zh}」
            {en && finding.suggestion.en !== finding.suggestion.zh ? ` (${finding.suggestion.en})` : ''}
          </p>
          <div className="cx-card-actions">
            {alternatives(finding.suggestion.zh).map((text, i) =>
              i === 0 ? (
                <button key={text} type="button" className="primary" onClick={() => onApply(finding, text)}>
                  {t('compliance.card.apply')}
                </button>
              ) : (
                <button key={text} type="button" className="link-button" onClick={() => onApply(finding, text)}>
                  {t('compliance.card.applyAlternative', { text })}
                </button>
              ),
            )}
          </div>
        </div>
      )}
      {finding.severity === 'block' && <p className="cx-card-note">{t('compliance.card.blockNote')}</p>}
      {finding.severity === 'must_fix' &&
        (acknowledgement ? (
          <p className="cx-card-note cx-acked">{t('compliance.card.acknowledged', acknowledgement)}</p>
        ) : (
          <button type="button" className="link-button" onClick={() => onOpenReport(finding)}>
            {t('compliance.card.ackInReport')}
          </button>
        ))}
    </div>
  );
}
