import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type LessonVersionSummary, type TextOp } from '../../../../shared/contract/index';
import { useApp, useStores } from '../../app/stores';
import { TextDiff } from '../versions/DiffView';
import { VersionHistory, type VersionHistoryTexts, type VersionRow } from '../versions/VersionHistory';
import { VERSION_LABEL_MAX_CHARS } from '../../../../shared/contract/library';
import type { LessonBodyStore } from './lesson-body-store';
import '../library/library.css';

/**
 * The lesson body page's 历史版本 panel: the body's versions with time and reason, the text diff of one against the
 * current body, restore (undoable from the toast) and a manual snapshot. `onRestored` reloads the page's editor
 * (and closes the panel).
 */
export function BodyHistoryPanel({ store, onClose, onRestored }: { store: LessonBodyStore; onClose: () => void; onRestored: () => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const { courseId, lessonId } = store.getState();
  const [items, setItems] = useState<LessonVersionSummary[] | null>(null);
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [diff, setDiff] = useState<TextOp[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
  const texts: VersionHistoryTexts = {
    title: t('lessonBody.history.title'),
    close: t('lessonBody.history.close'),
    labelLabel: t('lessonBody.history.labelLabel'),
    labelPlaceholder: t('lessonBody.history.labelPlaceholder'),
    snapshot: t('lessonBody.history.snapshot'),
    loading: t('lessonBody.history.loading'),
    empty: t('lessonBody.history.empty'),
    compare: t('lessonBody.history.compare'),
    restore: t('lessonBody.history.restore'),
    seq: (seq) => t('lessonBody.history.seq', { seq }),
    comparing: (seq) => t('lessonBody.history.comparing', { seq }),
  };
  const rows: VersionRow[] | null =
    items?.map((v) => ({
      seq: v.seq,
      label: v.label,
      reason: t(`lessonBody.history.reason.${v.reason}`, { seq: v.restoredSeq ?? '' }),
      createdAt: v.createdAt,
      detail: t('lessonBody.history.chars', { count: v.chars }),
    })) ?? null;

  return (
    <VersionHistory
      texts={texts}
      items={rows}
      label={label}
      labelMax={VERSION_LABEL_MAX_CHARS}
      onLabel={setLabel}
      onSnapshot={() => void snapshot()}
      onCompare={(seq) => void compare(seq)}
      onRestore={(seq) => void restore(seq)}
      onClose={onClose}
      busy={busy}
      error={error}
      selected={selected}
      diff={diff ? unchanged ? <p className="muted">{t('lessonBody.history.noChanges')}</p> : <TextDiff ops={diff} /> : null}
      rowAttribute="data-body-version-seq"
      diffTestId="body-version-diff"
    />
  );
}
