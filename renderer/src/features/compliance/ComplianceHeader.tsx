import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../../../../shared/contract/index';
import { useEditor } from '../courses/CourseEditor';
import { useCompliance, useComplianceStore } from './ComplianceProvider';
import { parseFieldKey } from './draft-fields';
import { describeField, jumpTo } from './locate';

/** `course:<id>.title` (how the host names a field in a refusal) → the field. */
function refusalField(problem: FieldProblem) {
  const dot = problem.path.lastIndexOf('.');
  return parseFieldKey(`${problem.path.slice(0, dot)}:${problem.path.slice(dot + 1)}`);
}

/**
 * The gate in the editor header: the host's verdict on the stored course, its publish readiness, "提交发布" (the host
 * runs the gate and refuses with what blocks) and the way into the report.
 */
export function ComplianceHeader() {
  const { t } = useTranslation();
  const store = useComplianceStore();
  const host = useCompliance((s) => s.host);
  const publish = useCompliance((s) => s.publish);
  const hostError = useCompliance((s) => s.hostError);
  const refusal = useCompliance((s) => s.refusal);
  const busy = useCompliance((s) => s.busy);
  const draft = useEditor((s) => s.draft);
  const saveState = useEditor((s) => s.saveState);

  const gate = host?.gate;
  const state = hostError ? 'error' : !gate ? 'checking' : gate.allowed ? 'allowed' : gate.blocking.length > 0 ? 'blocked' : 'unacknowledged';
  const label =
    state === 'error'
      ? t('compliance.gate.error', { reason: t(`error.${hostError}`) })
      : state === 'checking'
        ? t('compliance.gate.checking')
        : state === 'allowed'
          ? t('compliance.gate.allowed')
          : [
              gate!.blocking.length > 0 ? t('compliance.gate.blocked', { count: gate!.blocking.length }) : null,
              gate!.unacknowledged.length > 0 ? t('compliance.gate.unacknowledged', { count: gate!.unacknowledged.length }) : null,
            ]
              .filter(Boolean)
              .join(' · ');
  const ready = publish?.state === 'ready';

  return (
    <div className="cx-header">
      <span className={`cx-gate cx-gate-${state}`} role="status" aria-live="polite" data-gate={state} data-publish={publish?.state ?? ''}>
        {label}
        {publish && (
          <span className="cx-publish">
            {' · '}
            {ready ? t('compliance.gate.ready') : publish.withdrawnReason === 'findings' ? t('compliance.gate.withdrawn') : t('compliance.gate.draft')}
          </span>
        )}
      </span>
      <button type="button" className="secondary" onClick={() => store.getState().openPanel()}>
        {t('compliance.gate.report')}
      </button>
      {ready ? (
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void store.getState().withdraw()}>
          {t('compliance.gate.withdraw')}
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={busy !== null || saveState === 'invalid' || saveState === 'conflict'}
          onClick={() => void store.getState().submit()}
        >
          {busy === 'submit' ? t('compliance.gate.submitting') : t('compliance.gate.submit')}
        </button>
      )}
      {refusal && (
        <div className="cx-refusal" role="alert">
          <p>{t('compliance.gate.refused')}</p>
          <ul>
            {refusal.map((problem, i) => {
              const ref = refusalField(problem);
              const [, severity, category] = problem.code.split('.');
              const finding = host?.findings.find(
                (f) => ref && f.location.target === ref.target && f.location.id === ref.id && f.location.field === ref.field && f.category === category,
              );
              return (
                <li key={i}>
                  <span className={`cx-badge cx-${severity === 'block' ? 'block' : 'must_fix'}`}>
                    {severity === 'block' ? t('compliance.gate.refusedBlock') : t('compliance.gate.refusedOpen')}
                  </span>{' '}
                  {t(`compliance.categories.${category}`, { defaultValue: category })}
                  {finding ? `「${finding.text}」` : ''} —{' '}
                  {ref ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => jumpTo(ref, finding?.location.start, finding?.location.end, finding?.text)}
                    >
                      {describeField(t, draft, ref)}
                    </button>
                  ) : (
                    problem.path
                  )}
                </li>
              );
            })}
          </ul>
          <button type="button" className="link-button" onClick={() => store.setState({ refusal: null })}>
            {t('compliance.card.close')}
          </button>
        </div>
      )}
    </div>
  );
}
