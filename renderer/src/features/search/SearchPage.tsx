import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { SearchResult } from '../../../../shared/contract/index';
import { SEARCH_QUERY_MAX_CHARS } from '../../../../shared/search/query';
import { useApp, useStores } from '../../app/stores';
import { focusOutlineItem } from './jump';
import { SEARCH_PAGE_SIZE, createSearchStore, type SearchState } from './search-store';
import { Snippet } from './Snippet';
import '../library/library.css';

const TYPE_DELAY_MS = 200;
const selectResults = (s: SearchState) => ({ items: s.items, more: s.more, status: s.status, error: s.error, query: s.query });

/**
 * Results of a full-text search: each course with where it matched; a click opens the course at that place.
 * Mounted per route query (App keys it), so a new search from the sidebar starts from that query.
 */
export function SearchPage({ query }: { query: string }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const navigate = useApp((s) => s.navigate);
  const [store] = useState(() => createSearchStore(client));
  const { items, more, status, error, query: shown } = useStore(store, useShallow(selectResults));
  const [text, setText] = useState(query);
  const id = useId();

  useEffect(() => {
    const timer = setTimeout(() => void store.getState().search(text), TYPE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [store, text]);

  const open = (result: SearchResult, hit?: SearchResult['hits'][number]) => {
    navigate({ name: 'course', id: result.courseId });
    if (hit && hit.kind !== 'course') focusOutlineItem(hit.targetId);
  };

  return (
    <main className="page search-page" aria-labelledby={`${id}-title`}>
      <header className="page-header">
        <h1 id={`${id}-title`}>{t('library.search.title')}</h1>
      </header>
      <div className="toolbar">
        <label htmlFor={`${id}-input`} className="visually-hidden">
          {t('library.search.label')}
        </label>
        <input
          id={`${id}-input`}
          type="search"
          className="search"
          value={text}
          maxLength={SEARCH_QUERY_MAX_CHARS}
          placeholder={t('library.search.placeholder')}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <p id={`${id}-hint`} className="muted hint">
        {t('library.search.hint')}
      </p>
      <div role="status" aria-live="polite" className="search-status" data-search-status={status}>
        {status === 'searching' && t('library.search.searching')}
        {status === 'done' && items.length > 0 && t('library.search.resultsFor', { query: shown.trim() })}
        {status === 'done' && items.length === 0 && t('library.search.none', { query: shown.trim() })}
        {status === 'error' && t(`error.${error ?? 'INTERNAL'}`)}
      </div>
      <ol className="search-results">
        {items.map((result) => (
          <li key={result.courseId} className="search-result">
            <button type="button" className="link-button result-title" onClick={() => open(result)} aria-label={t('library.search.open', { title: result.courseTitle })}>
              {result.courseTitle}
            </button>
            <span className="muted"> · {t(`courseType.${result.courseType}`, { defaultValue: result.courseType })}</span>
            <ul className="search-hits">
              {result.hits.map((hit) => (
                <li key={`${hit.kind}-${hit.targetId}-${hit.field}`}>
                  <button type="button" className="hit-button" onClick={() => open(result, hit)}>
                    <span className="hit-kind">
                      {t(`library.search.kind.${hit.kind}`)}
                      {hit.kind === 'course' ? t(`library.search.field.${hit.field}`, { defaultValue: hit.field }) : ''}
                    </span>
                    <Snippet segments={hit.snippet} />
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {status === 'done' && more && <p className="muted">{t('library.search.more', { count: SEARCH_PAGE_SIZE })}</p>}
    </main>
  );
}
