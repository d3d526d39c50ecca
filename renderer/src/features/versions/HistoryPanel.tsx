import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type CourseDiff, type VersionSummary } from '../../../../shared/contract/index';
import { VERSION_LABEL_MAX_CHARS } from '../../../../shared/contract/library';
import { useApp, useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';
import { DiffView } from './DiffView';
import { useEditorReload } from './reload';
import { VersionHistory, type VersionHistoryTexts, type VersionRow } from './VersionHistory';
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
  const { t } = useTranslation();
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

  const texts: VersionHistoryTexts = {
    title: t('library.versions.title'),
    close: t('library.versions.close'),
    labelLabel: t('library.versions.labelLabel'),
    labelPlaceholder: t('library.versions.labelPlaceholder'),
    snapshot: t('library.versions.snapshot'),
    loading: t('library.versions.loading'),
    empty: t('library.versions.empty'),
    compare: t('library.versions.compare'),
    restore: t('library.versions.restore'),
    seq: (seq) => t('library.versions.seq', { seq }),
    comparing: (seq) => t('library.versions.comparing', { seq }),
  };
  const rows: VersionRow[] | null =
    items?.map((v: VersionSummary) => ({
      seq: v.seq,
      label: v.label,
      reason: t(`library.versions.reason.${v.reason}`, { seq: v.restoredSeq ?? '' }),
      createdAt: v.createdAt,
      detail: v.title,
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
      diff={diff ? <DiffView diff={diff} /> : null}
      rowAttribute="data-version-seq"
    />
  );
}
