import { useTranslation } from 'react-i18next';
import type { CourseDiff, TextOp } from '../../../../shared/contract/index';

/** A character diff as text: deletions in <del>, insertions in <ins>, never HTML from the stored text. */
export function TextDiff({ ops }: { ops: TextOp[] }) {
  const { t } = useTranslation();
  return (
    <span className="diff">
      {ops.map((op, i) =>
        op.op === 'equal' ? (
          <span key={i}>{op.text}</span>
        ) : op.op === 'delete' ? (
          <del key={i} title={t('library.versions.deleted')}>
            {op.text}
          </del>
        ) : (
          <ins key={i} title={t('library.versions.inserted')}>
            {op.text}
          </ins>
        ),
      )}
    </span>
  );
}

/** What changed between two versions: fields first, then the outline. */
export function DiffView({ diff }: { diff: CourseDiff }) {
  const { t } = useTranslation();
  if (diff.fields.length === 0 && diff.outline.length === 0) return <p className="muted">{t('library.versions.noChanges')}</p>;
  return (
    <div className="diff-view" data-testid="version-diff">
      {diff.fields.length > 0 && (
        <section className="diff-section">
          <h4>{t('library.versions.fields')}</h4>
          <ul>
            {diff.fields.map((f) => (
              <li key={f.field}>
                <strong>{t(`library.versions.field.${f.field}`, { defaultValue: f.field })}</strong>：
                {f.text ? (
                  <TextDiff ops={f.text} />
                ) : (
                  <span className="diff">
                    <del>{f.before}</del> → <ins>{f.after}</ins>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.outline.length > 0 && (
        <section className="diff-section">
          <h4>{t('library.versions.outline')}</h4>
          <ul>
            {diff.outline.map((o) => (
              <li key={`${o.kind}-${o.id}`}>
                {t(`library.versions.change.${o.change}`)}
                {t(`library.versions.kind.${o.kind}`)}「{o.text ? <TextDiff ops={o.text} /> : o.title}」
                {o.kind === 'lesson' && (o.change === 'moved' || o.change === 'renamedMoved') && o.fromChapter !== o.toChapter && (
                  <span className="muted"> {t('library.versions.movedBetween', { from: o.fromChapter ?? '', to: o.toChapter ?? '' })}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
