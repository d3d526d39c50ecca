import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type CourseDiff, type VersionSummary } from '../../../../shared/contract/index';
import { VERSION_LABEL_MAX_CHARS } from '../../../../shared/contract/library';
import { useApp, useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';
import { DiffView } from './DiffView';
import { useEditorReload } from './reload';
import '../library/library.css';

/** The editor header's 历史版本 button and the panel it opens. */
export function HistoryButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t('library.versions.button')}
      </button>
      {open && <HistoryPanel onClose={() => setOpen(false)} />}
    </>
  );
}

function HistoryPanel({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const editor = useEditorStore();
  const reload = useEditorReload();
  const courseId = useEditor((s) => s.courseId);
  const [items, setItems] = useState<VersionSummary[] | null>(null);
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [diff, setDiff] = useState<CourseDiff | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const fail = (e: unknown) => setError(e instanceof StudioError ? e.code : 'INTERNAL');
  const refresh = useCallback(
    () =>
      client.call('versions.list', { courseId }).then(
        (r) => setItems(r.items),
        (e: unknown) => setError(e instanceof StudioError ? e.code : 'INTERNAL'),
      ),
    [client, courseId],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** Pending edits go to the host first, so versions are compared with and restored over what the creator sees. */
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await editor.getState().saveNow();
      await work();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const snapshot = () =>
    run(async () => {
      const saved = await client.call('versions.snapshot', { courseId, label });
      setLabel('');
      showToast({ message: t('library.versions.saved', { seq: saved.seq }) });
      await refresh();
    });

  const compare = (seq: number) =>
    run(async () => {
      setSelected(seq);
      setDiff(await client.call('versions.compare', { courseId, from: seq }));
    });

  const restore = (seq: number) =>
    run(async () => {
      const result = await client.call('versions.restore', { courseId, seq, baseVersion: editor.getState().savedVersion });
      showToast({
        message: t('library.versions.restored', { seq, before: result.before.seq }),
        actionLabel: t('library.versions.undoRestore'),
        action: () => {
          // Undo = restore the version stored just before this restore (itself a new, undoable restore).
          void client
            .call('versions.restore', { courseId, seq: result.before.seq, baseVersion: result.restored.courseVersion })
            .then(reload, (e: unknown) => showToast({ message: t(`error.${e instanceof StudioError ? e.code : 'INTERNAL'}`) }));
        },
      });
      reload();
    });

  const reasonText = (v: VersionSummary) => t(`library.versions.reason.${v.reason}`, { seq: v.restoredSeq ?? '' });

  return (
    <aside className="history-panel" role="dialog" aria-labelledby={`${id}-title`}>
      <header>
        <h2 id={`${id}-title`}>{t('library.versions.title')}</h2>
        <button type="button" className="icon-button" aria-label={t('library.versions.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="history-body">
        <div className="history-snapshot">
          <label htmlFor={`${id}-label`} className="visually-hidden">
            {t('library.versions.labelLabel')}
          </label>
          <input
            id={`${id}-label`}
            value={label}
            maxLength={VERSION_LABEL_MAX_CHARS}
            placeholder={t('library.versions.labelPlaceholder')}
            onChange={(e) => setLabel(e.target.value)}
          />
          <button type="button" className="primary" disabled={busy} onClick={() => void snapshot()}>
            {t('library.versions.snapshot')}
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {t(`error.${error}`)}
          </p>
        )}
        {items === null ? (
          <p className="muted">{t('library.versions.loading')}</p>
        ) : items.length === 0 ? (
          <p className="muted">{t('library.versions.empty')}</p>
        ) : (
          <ol className="history-list" aria-label={t('library.versions.title')}>
            {items.map((v) => (
              <li key={v.seq} className="history-item" aria-current={selected === v.seq ? 'true' : undefined} data-version-seq={v.seq}>
                <div>
                  <strong>{t('library.versions.seq', { seq: v.seq })}</strong>
                  {v.label && <span> · {v.label}</span>}
                  <span className="muted"> · {reasonText(v)}</span>
                </div>
                <div className="muted">
                  {new Date(v.createdAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })} · {v.title}
                </div>
                <div className="history-actions">
                  <button type="button" className="link-button" disabled={busy} onClick={() => void compare(v.seq)}>
                    {t('library.versions.compare')}
                  </button>
                  <button type="button" className="link-button" disabled={busy} onClick={() => void restore(v.seq)}>
                    {t('library.versions.restore')}
                  </button>
                </div>
                {selected === v.seq && diff && (
                  <div className="history-diff" aria-label={t('library.versions.comparing', { seq: v.seq })}>
                    <DiffView diff={diff} />
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
      </div>
    </aside>
  );
}
