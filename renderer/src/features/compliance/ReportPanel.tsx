import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, type Severity } from '../../../../shared/compliance/types';
import { StudioError, type AckEntry, type LocatedFinding } from '../../../../shared/contract/index';
import { useStores } from '../../app/stores';
import { usePolledCall } from '../../app/use-polled-call';
import { useEditor } from '../courses/CourseEditor';
import { useBilingual, useCompliance, useComplianceStore } from './ComplianceProvider';
import { describeField, jumpTo } from './locate';

const SEVERITIES: Severity[] = ['block', 'must_fix', 'info'];

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * The report of the stored course, beside the editor: findings grouped by severity and category, each with a jump to
 * where it is; must-fix findings acknowledged with a reason (or the acknowledgement revoked); WeChat's second opinion
 * beside ours; exports; and the course's acknowledgement trail.
 */
export function ReportPanel() {
  const { t } = useTranslation();
  const open = useCompliance((s) => s.panelOpen);
  const store = useComplianceStore();
  const host = useCompliance((s) => s.host);
  const focus = useCompliance((s) => s.panelFocus);
  const busy = useCompliance((s) => s.busy);
  const exportError = useCompliance((s) => s.exportError);
  const savedVersion = useEditor((s) => s.savedVersion);
  const headingId = useId();
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!open) return;
    void store.getState().requestSecondOpinion();
    panel.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [open, store]);

  useEffect(() => {
    if (!open || !focus || !host) return;
    panel.current?.querySelector<HTMLElement>(`[data-finding-key="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'center' });
  }, [open, focus, host]);

  if (!open) return null;
  const findings = host?.findings ?? [];

  return (
    <aside
      ref={panel}
      className="cx-panel"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') store.getState().closePanel();
      }}
    >
      <header className="cx-panel-head">
        <h2 id={headingId} tabIndex={-1}>
          {t('compliance.report.title')}
        </h2>
        <button type="button" className="icon-button" aria-label={t('compliance.report.close')} onClick={() => store.getState().closePanel()}>
          ×
        </button>
      </header>
      {host ? (
        <p className="muted cx-panel-meta">
          {t('compliance.report.meta', { version: host.courseVersion, ruleset: host.rulesetVersion })}
          {host.courseVersion !== savedVersion ? ` ${t('compliance.report.stale')}` : ''}
        </p>
      ) : (
        <p className="muted" aria-busy="true">
          {t('compliance.gate.checking')}
        </p>
      )}
      <SecondOpinionLine />
      <div className="cx-panel-actions">
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void store.getState().exportReport('html')}>
          {busy === 'html' ? t('compliance.report.exporting') : t('compliance.report.exportHtml')}
        </button>
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void store.getState().exportReport('pdf')}>
          {busy === 'pdf' ? t('compliance.report.exporting') : t('compliance.report.exportPdf')}
        </button>
      </div>
      {exportError && (
        <p className="field-error" role="alert">
          {t('compliance.report.exportFailed', { reason: t(`error.${exportError}`) })}
        </p>
      )}
      {host && findings.length === 0 && <p className="cx-nothing">{t('compliance.report.nothing')}</p>}
      {SEVERITIES.map((severity) =>
        CATEGORIES.map((category) => {
          const group = findings.filter((f) => f.severity === severity && f.category === category);
          if (group.length === 0) return null;
          return (
            <section key={`${severity}-${category}`} className={`cx-group cx-${severity}`} aria-label={`${t(`compliance.severities.${severity}`)} · ${t(`compliance.categories.${category}`)}`}>
              <h3>
                <span className={`cx-badge cx-${severity}`}>{t(`compliance.severities.${severity}`)}</span> {t(`compliance.categories.${category}`)}
                <span className="muted"> ({group.length})</span>
              </h3>
              <ul>
                {group.map((f, i) => (
                  <ReportFinding key={`${f.key}-${f.location.start}-${i}`} finding={f} highlighted={f.key === focus} />
                ))}
              </ul>
            </section>
          );
        }),
      )}
      <AuditTrail />
    </aside>
  );
}

function ReportFinding({ finding, highlighted }: { finding: LocatedFinding; highlighted: boolean }) {
  const { t } = useTranslation();
  const pick = useBilingual();
  const draft = useEditor((s) => s.draft);
  const ref = { target: finding.location.target, id: finding.location.id, field: finding.location.field };
  const where = describeField(t, draft, ref);
  return (
    <li className={`cx-finding${highlighted ? ' cx-focus' : ''}`} data-finding-key={finding.key}>
      <button
        type="button"
        className="link-button cx-where"
        aria-label={t('compliance.report.jump', { where })}
        onClick={() => jumpTo(ref, finding.location.start, finding.location.end, finding.text)}
      >
        {where}
      </button>
      <p>
        <mark>{finding.text}</mark>
      </p>
      <dl>
        <dt>{t('compliance.card.why')}</dt>
        <dd>{pick(finding.message)}</dd>
        <dt>{t('compliance.card.basis')}</dt>
        <dd>{pick(finding.basis)}</dd>
        {finding.suggestion && (
          <>
            <dt>{t('compliance.card.suggestion')}</dt>
            <dd>「{finding.suggestion.zh}」</dd>
          </>
        )}
      </dl>
      {finding.severity === 'block' && <p className="cx-card-note">{t('compliance.card.blockNote')}</p>}
      {finding.severity === 'must_fix' && <Acknowledgement finding={finding} />}
    </li>
  );
}

function codeMessage(t: (key: string, options?: Record<string, unknown>) => string, error: unknown): string {
  if (error instanceof StudioError) {
    const code = error.fields?.[0]?.code;
    if (code) return t(`compliance.codes.${code}`, { defaultValue: t('compliance.codes.invalid'), ...error.details });
    return t(`error.${error.code}`);
  }
  return t('error.INTERNAL');
}

function Acknowledgement({ finding }: { finding: LocatedFinding }) {
  const { t } = useTranslation();
  const store = useComplianceStore();
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const ack = finding.acknowledgement;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await store.getState().acknowledge(finding, reason);
      setEditing(false);
      setReason('');
    } catch (err) {
      setError(codeMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  if (ack) {
    return (
      <div className="cx-ack cx-acked">
        <p>{t('compliance.report.acked', { actor: ack.actor, time: formatTime(ack.createdAt), reason: ack.reason })}</p>
        <button
          type="button"
          className="link-button"
          onClick={() => void store.getState().revoke(finding, '').catch((err: unknown) => setError(codeMessage(t, err)))}
        >
          {t('compliance.report.revoke')}
        </button>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  if (!editing) {
    return (
      <div className="cx-ack">
        <span className="cx-open">{t('compliance.report.notAcked')}</span>
        <button type="button" className="secondary" onClick={() => setEditing(true)}>
          {t('compliance.report.ackButton')}
        </button>
      </div>
    );
  }
  return (
    <form className="cx-ack-form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={id}>{t('compliance.report.ackReason')}</label>
      <textarea
        id={id}
        rows={3}
        value={reason}
        maxLength={500}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => setReason(e.target.value)}
        autoFocus
      />
      <p id={`${id}-hint`} className="muted hint">
        {t('compliance.report.ackHint')}
      </p>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('compliance.report.ackSubmit')}
        </button>
        <button type="button" className="secondary" onClick={() => setEditing(false)}>
          {t('compliance.report.cancel')}
        </button>
      </div>
    </form>
  );
}

function SecondOpinionLine() {
  const { t } = useTranslation();
  const pick = useBilingual();
  const opinion = useCompliance((s) => s.secondOpinion);
  if (opinion.state === 'loading') return <p className="muted cx-second">{t('compliance.secondOpinion.loading')}</p>;
  if (opinion.state !== 'done' || !opinion.value.available) {
    // Offline, not configured or refused: the local scan stands alone, said quietly.
    return <p className="muted cx-second" data-second-opinion="local">{t('compliance.secondOpinion.localOnly')}</p>;
  }
  const { suggest, labelName } = opinion.value;
  return (
    <p className={`cx-second cx-second-${suggest ?? 'pass'}`} data-second-opinion={suggest}>
      {t('compliance.secondOpinion.verdict', {
        suggest: t(`compliance.secondOpinion.suggest.${suggest ?? 'pass'}`),
        label: labelName ? pick(labelName) : '',
      })}
    </p>
  );
}

function AuditTrail() {
  const { t } = useTranslation();
  const { client } = useStores();
  const courseId = useCompliance((s) => s.courseId);
  const hostLoads = useCompliance((s) => s.hostLoads);
  const draft = useEditor((s) => s.draft);
  // Reloaded whenever the host's view is (an acknowledgement or a revocation refreshes it).
  const { data } = usePolledCall(() => client.call('compliance.auditTrail', { courseId, limit: 100 }), `${courseId}:${hostLoads}`);
  const actionLabel = (a: AckEntry) => t(`compliance.report.actions.${a.action}`);
  return (
    <section className="cx-trail" aria-labelledby="cx-trail-title">
      <h3 id="cx-trail-title">{t('compliance.report.trail')}</h3>
      {data && data.items.length === 0 && <p className="muted">{t('compliance.report.trailEmpty')}</p>}
      <ol>
        {data?.items.map((a) => (
          <li key={a.seq}>
            <span className="muted">{formatTime(a.createdAt)}</span> {a.actor} · {actionLabel(a)} ·{' '}
            {describeField(t, draft, { target: a.target, id: a.targetId, field: a.field })}「{a.text}」
            {a.reason && <div className="cx-trail-reason">{a.reason}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
