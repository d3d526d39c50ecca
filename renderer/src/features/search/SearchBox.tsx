import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEARCH_QUERY_MAX_CHARS } from '../../../../shared/search/query';
import { useApp } from '../../app/stores';

/** The sidebar's search box: Enter opens the search page for the query. Shows the search page's query while open. */
export function SearchBox() {
  const routeQuery = useApp((s) => (s.route.name === 'search' ? s.route.query : ''));
  return <SearchForm key={routeQuery} initial={routeQuery} />;
}

function SearchForm({ initial }: { initial: string }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useApp((s) => s.navigate);
  const [text, setText] = useState(initial);

  return (
    <form
      role="search"
      className="sidebar-search"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) navigate({ name: 'search', query: text.trim() });
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {t('library.search.label')}
      </label>
      <input
        id={id}
        type="search"
        value={text}
        maxLength={SEARCH_QUERY_MAX_CHARS}
        placeholder={t('library.search.placeholder')}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}
