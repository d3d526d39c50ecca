import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type LessonVersionSummary, type TextOp } from '../../../../shared/contract/index';
import { useApp, useStores } from '../../app/stores';
import { TextDiff } from '../versions/DiffView';
import type { LessonBodyStore } from './lesson-body-store';
import '../library/library.css';

/**
 * The lesson body page's 历史版本 panel: the body's versions with time and reason, the text diff of one against the
 * current body, restore (undoable from the toast) and a manual snapshot. `onRestored` reloads the page's editor
 * (and closes the panel).
 */
export function BodyHistoryPanel({ store, onClose, onRestored }: { store: LessonBodyStore; onClose: () => void; onRestored: () => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const { courseId, lessonId } = store.getState();
  const [items, setItems] = useState<LessonVersionSummary[] | null>(null);
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [diff, setDiff] = useState<TextOp[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  // The page's store is replaced after each restore; the toast's undo saves through the one showing then.
  const latestStore = useRef(store);
  useEffect(() => {
    latestStore.current = store;
  }, [store]);

  const codeOf = (e: unknown) => (e instanceof StudioError ? e.code : 'INTERNAL');
  const refresh = useCallback(
    () => client.call('lessonVersions.list', { courseId, lessonId }).then((r) => setItems(r.items), (e: unknown) => setError(codeOf(e))),
    [client, courseId, lessonId],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** Pending edits go to the host first, so versions are compared with and restored over what the creator sees. */
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await store.getState().saveNow();
      await work();
    } catch (e) {
      setError(codeOf(e));
    } finally {
      setBusy(false);
    }
  };

  const snapshot = () =>
    run(async () => {
      const saved = await client.call('lessonVersions.snapshot', { courseId, lessonId, label });
      setLabel('');
      showToast({ message: t('lessonBody.history.saved', { seq: saved.seq }) });
      await refresh();
    });

  const compare = (seq: number) =>
    run(async () => {
      setSelected(seq);
      setDiff((await client.call('lessonVersions.compare', { courseId, lessonId, from: seq })).text);
    });

  const restore = (seq: number) =>
    run(async () => {
      const result = await client.call('lessonVersions.restore', { courseId, lessonId, seq, baseVersion: store.getState().savedVersion });
      setSelected(null);
      setDiff(null);
      showToast({
        message: t('lessonBody.history.restored', { seq, before: result.before.seq }),
        actionLabel: t('lessonBody.history.undoRestore'),
        action: () => {
          // Undo = restore the version stored just before this restore (itself a new, undoable restore).
          // Edits typed since the restore are saved first; the restore then refuses (CONFLICT) rather than lose them.
          void latestStore.current
            .getState()
            .saveNow()
            .then(() => client.call('lessonVersions.restore', { courseId, lessonId, seq: result.before.seq, baseVersion: result.body.version }))
            .then(onRestored, (e: unknown) => showToast({ message: t(`error.${codeOf(e)}`) }));
        },
      });
      onRestored();
    });

  const unchanged = diff !== null && diff.every((op) => op.op === 'equal');

  return (
    <aside className="history-panel" role="dialog" aria-labelledby={`${id}-title`}>
      <header>
        <h2 id={`${id}-title`}>{t('lessonBody.history.title')}</h2>
        <button type="button" className="icon-button" aria-label={t('lessonBody.history.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="history-body">
        <div className="history-snapshot">
          <label htmlFor={`${id}-label`} className="visually-hidden">
            {t('lessonBody.history.labelLabel')}
          </label>
          <input
            id={`${id}-label`}
            value={label}
            maxLength={60}
            placeholder={t('lessonBody.history.labelPlaceholder')}
            onChange={(e) => setLabel(e.target.value)}
          />
          <button type="button" className="primary" disabled={busy} onClick={() => void snapshot()}>
            {t('lessonBody.history.snapshot')}
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {t(`error.${error}`)}
          </p>
        )}
        {items === null ? (
          <p className="muted">{t('lessonBody.history.loading')}</p>
        ) : items.length === 0 ? (
          <p className="muted">{t('lessonBody.history.empty')}</p>
        ) : (
          <ol className="history-list" aria-label={t('lessonBody.history.title')}>
            {items.map((v) => (
              <li key={v.seq} className="history-item" aria-current={selected === v.seq ? 'true' : undefined} data-body-version-seq={v.seq}>
                <div>
                  <strong>{t('lessonBody.history.seq', { seq: v.seq })}</strong>
                  {v.label && <span> · {v.label}</span>}
                  <span className="muted"> · {t(`lessonBody.history.reason.${v.reason}`, { seq: v.restoredSeq ?? '' })}</span>
                </div>
                <div className="muted">
                  {new Date(v.createdAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })} ·{' '}
                  {t('lessonBody.history.chars', { count: v.chars })}
                </div>
                <div className="history-actions">
                  <button type="button" className="link-button" disabled={busy} onClick={() => void compare(v.seq)}>
                    {t('lessonBody.history.compare')}
                  </button>
                  <button type="button" className="link-button" disabled={busy} onClick={() => void restore(v.seq)}>
                    {t('lessonBody.history.restore')}
                  </button>
                </div>
                {selected === v.seq && diff && (
                  <div className="history-diff" aria-label={t('lessonBody.history.comparing', { seq: v.seq })} data-testid="body-version-diff">
                    {unchanged ? <p className="muted">{t('lessonBody.history.noChanges')}</p> : <TextDiff ops={diff} />}
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
