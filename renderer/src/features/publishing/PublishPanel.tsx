import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import { saveTextFile } from '../../api/save-file';
import { useApp, useStores } from '../../app/stores';
import './publishing.css';
import { useEditor, useEditorStore } from '../courses/CourseEditor';

type Job = MethodOutput<'publish.start'>;
type Export = MethodOutput<'publish.export'>;

const ACTIVE = new Set(['uploading', 'drafting', 'submitting', 'publishing']);

/** Why a job failed, in the creator's language: WeChat's publish_status, else its errcode, else our error code. */
function failureReason(t: (key: string, options?: Record<string, unknown>) => string, job: Job): string {
  if (job.publishStatus !== null && job.publishStatus >= 2) return t(`publishing.outcome.${job.publishStatus}`);
  if (job.error?.errcode) return t('publishing.errcode', { errcode: job.error.errcode });
  return t(`error.${job.error?.code ?? 'INTERNAL'}`, { defaultValue: t('error.INTERNAL') });
}

/**
 * 发布到公众号 in the course editor: saves pending edits, starts the publish job (the host runs the compliance gate
 * first), follows it through `publish.changed` to the article URL; without publishing rights, offers the paste-ready
 * export (copy or save).
 */
export function PublishPanel() {
  const { t } = useTranslation();
  const { client } = useStores();
  const editor = useEditorStore();
  const courseId = useEditor((s) => s.courseId);
  const companionState = useApp((s) => s.companion?.state);
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [exported, setExported] = useState<Export | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let live = true;
    // Asked again when the companion becomes ready: its answer is fresher than the one kept in the workspace.
    client.call('publish.status', { courseId }).then(
      (s) => live && s.job && setJob(s.job),
      () => {},
    );
    const off = client.on('publish.changed', (e) => {
      if (e.courseId === courseId) setJob(e.job);
    });
    return () => {
      live = false;
      off();
    };
  }, [client, courseId, companionState]);

  useEffect(() => {
    if (job?.state !== 'noPublishRights') return;
    let live = true;
    client.call('publish.export', { courseId }).then(
      (x) => live && setExported(x),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [client, courseId, job?.state]);

  const start = () => {
    setBusy(true);
    setProblem(null);
    setExported(null);
    void editor
      .getState()
      .saveNow()
      .then(() => client.call('publish.start', { courseId }))
      .then(setJob, (e: unknown) => {
        if (e instanceof StudioError && e.code === 'COMPLIANCE_BLOCKED') setProblem(t('publishing.blocked', { count: e.fields?.length ?? 0 }));
        else if (e instanceof StudioError && e.fields?.[0]) setProblem(t('publishing.failed', { reason: t(`field.${e.fields[0].code}`, { defaultValue: t(`error.${e.code}`) }) }));
        else setProblem(t('publishing.failed', { reason: t(`error.${e instanceof StudioError ? e.code : 'INTERNAL'}`) }));
      })
      .finally(() => setBusy(false));
  };

  const running = job !== null && ACTIVE.has(job.state);
  return (
    <section className="field publish-panel" aria-labelledby="publish-title" data-testid="publish-panel">
      <h2 id="publish-title">{t('publishing.title')}</h2>
      <p className="muted hint">{t('publishing.intro')}</p>
      <button type="button" disabled={busy || running || companionState !== 'ready'} onClick={start}>
        {busy ? t('publishing.starting') : job?.state === 'published' ? t('publishing.again') : t('publishing.start')}
      </button>
      {companionState !== 'ready' && <p className="muted hint">{t(`companion.state.${companionState ?? 'stopped'}`)}</p>}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {job && (
        <p role="status" data-testid="publish-state" data-state={job.state}>
          {t(`publishing.state.${job.state}`)}
          {job.state === 'failed' && job.error ? `：${failureReason(t, job)}` : ''}
        </p>
      )}
      {job?.state === 'published' && job.articleUrl && (
        <p>
          {t('publishing.articleUrl')}：{' '}
          <a href={job.articleUrl} target="_blank" rel="noopener noreferrer" data-testid="article-url">
            {job.articleUrl}
          </a>
        </p>
      )}
      {job?.state === 'noPublishRights' && (
        <div className="publish-note" data-testid="no-publish-rights">
          <p>{t('publishing.noRights.explain')}</p>
          {exported && (
            <>
              <p className="muted">{t('publishing.noRights.images', { count: exported.images.length })}</p>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void navigator.clipboard.write([new ClipboardItem({ 'text/html': new Blob([exported.html], { type: 'text/html' }), 'text/plain': new Blob([exported.html], { type: 'text/plain' }) })]).then(
                    () => setCopied(true),
                    () => void navigator.clipboard.writeText(exported.html).then(() => setCopied(true)),
                  )
                }
              >
                {t('publishing.noRights.copy')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => saveTextFile(exported.fileName, exported.html, 'text/html;charset=utf-8')}>
                {t('publishing.noRights.save')}
              </button>
              {copied && <span role="status"> {t('publishing.noRights.copied')}</span>}
            </>
          )}
        </div>
      )}
    </section>
  );
}
