import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SyncConflict, SyncConflictSide } from '../../../../shared/contract/index';
import { richTextToText } from '../../../../shared/compliance/rich-text';
import { diffCourses, diffText } from '../../../../shared/versions/diff';
import { useApp, useStores } from '../../app/stores';
import { DiffView, TextDiff } from '../versions/DiffView';
import { syncStoreFor } from './sync-store';
import './sync.css';

const textOf = (html: string) => richTextToText(html).text.trim();

/** One side as plain text: a course's fields and outline, or a body's text; never HTML from the stored document. */
function SideText({ side }: { side: SyncConflictSide }) {
  const { t } = useTranslation();
  if (side.deleted) return <p className="muted">{t('sync.conflicts.deleted')}</p>;
  if (side.html !== null) return <pre>{textOf(side.html) || t('sync.conflicts.empty')}</pre>;
  if (!side.course) return <p className="muted">{t('sync.conflicts.empty')}</p>;
  return (
    <div>
      <p>
        <strong>{side.course.title}</strong>
      </p>
      {side.course.summary && <p className="muted">{side.course.summary}</p>}
      <ul>
        {side.course.chapters.map((ch) => (
          <li key={ch.id}>
            {ch.title}
            <ul>
              {ch.lessons.map((l) => (
                <li key={l.id}>{l.title}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ConflictDiff({ conflict }: { conflict: SyncConflict }) {
  const { remote, local } = conflict;
  if (remote.deleted || local.deleted) return null;
  if (conflict.kind === 'lessonBody' && remote.html !== null && local.html !== null) {
    return <TextDiff ops={diffText(textOf(remote.html), textOf(local.html))} />;
  }
  if (remote.course && local.course) return <DiffView diff={diffCourses(remote.course, local.course)} />;
  return null;
}

function ConflictCard({ conflict }: { conflict: SyncConflict }) {
  const { t, i18n } = useTranslation();
  const store = syncStoreFor(useStores().client);
  const busy = useStore(store, (s) => s.busy);
  const showToast = useApp((s) => s.showToast);
  const where = [conflict.courseTitle, conflict.lessonTitle].filter(Boolean).join(' › ');
  const resolve = async (choice: 'mine' | 'theirs' | 'both') => {
    await store.getState().resolve(conflict.id, choice);
    showToast({ message: t('sync.conflicts.resolved') });
  };
  return (
    <section className="conflict" data-testid="sync-conflict" aria-label={where}>
      <h3>
        {t(`sync.conflicts.kind.${conflict.kind}`)}：{where}
      </h3>
      {conflict.reason && <p role="note">{t('sync.conflicts.reason', { reason: conflict.reason })}</p>}
      <div className="conflict-sides">
        <div className="conflict-side" data-testid="conflict-mine">
          <h4>{t('sync.conflicts.mine')}</h4>
          <SideText side={conflict.local} />
        </div>
        <div className="conflict-side" data-testid="conflict-theirs">
          <h4>
            {t('sync.conflicts.theirs')}{' '}
            <span className="muted">
              {t('sync.conflicts.by', { name: conflict.remote.updatedBy ?? t('sync.conflicts.someone'), time: new Date(conflict.remote.updatedAt).toLocaleString(i18n.language) })}
            </span>
          </h4>
          <SideText side={conflict.remote} />
        </div>
      </div>
      <details open>
        <summary>{t('sync.conflicts.diffTitle')}</summary>
        <ConflictDiff conflict={conflict} />
      </details>
      <div className="conflict-actions">
        <button type="button" disabled={busy} onClick={() => void resolve('mine')}>
          {t('sync.conflicts.keepMine')}
        </button>
        <button type="button" disabled={busy} onClick={() => void resolve('theirs')}>
          {t('sync.conflicts.keepTheirs')}
        </button>
        <button type="button" disabled={busy} onClick={() => void resolve('both')}>
          {t('sync.conflicts.keepBoth')}
        </button>
      </div>
    </section>
  );
}

/** The side-by-side resolver: every open conflict with both versions, their differences and the three choices. */
export function ConflictsPage() {
  const { t } = useTranslation();
  const store = syncStoreFor(useStores().client);
  const conflicts = useStore(store, (s) => s.conflicts);
  const busy = useStore(store, (s) => s.busy);
  useEffect(() => {
    void store.getState().loadConflicts();
    return () => store.setState({ conflicts: null });
  }, [store]);
  return (
    <main className="page conflicts-page" data-testid="sync-conflicts">
      <header className="page-header">
        <h1>{t('sync.conflicts.title')}</h1>
        <button type="button" disabled={busy} onClick={() => void store.getState().syncNow()}>
          {t('sync.syncNow')}
        </button>
      </header>
      <p className="muted">{t('sync.conflicts.intro')}</p>
      {conflicts && conflicts.length === 0 && <p>{t('sync.conflicts.none')}</p>}
      {conflicts?.map((c) => <ConflictCard key={`${c.id}-${c.remote.version}`} conflict={c} />)}
    </main>
  );
}
