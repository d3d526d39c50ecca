import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, type Category } from '../../../../shared/compliance/types';
import { StudioError, WORD_LIST_MAX_BYTES, type MethodOutput, type TermList } from '../../../../shared/contract/index';
import type { ListKind } from '../../../../shared/contract/compliance';
import { categoryFromFileName } from '../../../../shared/domain/compliance-labels';
import { useApp, useStores } from '../../app/stores';
import { usePolledCall } from '../../app/use-polled-call';
import './compliance.css';
import { readAsBase64 } from '../../api/read-file';

type T = (key: string, options?: Record<string, unknown>) => string;

/** A contract error as one sentence: the field code's message (with the line number of a word list), else the code's. */
function errorMessage(t: T, error: unknown): string {
  if (error instanceof StudioError) {
    const code = error.fields?.[0]?.code;
    if (code) {
      const details = error.details ?? {};
      const message = details.messageZh !== undefined ? t('compliance.lists.lineMessage', { zh: details.messageZh, en: details.messageEn }) : '';
      return t(`compliance.codes.${code}`, { defaultValue: t('compliance.codes.invalid'), ...details, message });
    }
    return t(`error.${error.code}`);
  }
  return t('error.INTERNAL');
}

/**
 * The team's term lists (#/compliance): flagged terms with a category and allow terms, typed in or imported from a
 * word list file. Every change rebuilds the host's scanner, and open editors pick the lists up when they next open.
 */
export function TermListsPage() {
  const { t } = useTranslation();
  const { client } = useStores();
  const [tick, setTick] = useState(0);
  const { data, error } = usePolledCall(() => client.call('compliance.lists', {}), String(tick));
  const [selected, setSelected] = useState<string | null>(null);
  const reload = () => setTick((n) => n + 1);
  const showList = (id: string) => {
    reload();
    setSelected(id);
  };
  const lists = data?.items ?? [];
  const current = lists.find((l) => l.id === selected) ?? null;

  return (
    <main className="page cx-lists-page" aria-labelledby="cx-lists-title">
      <header className="page-header">
        <h1 id="cx-lists-title">{t('compliance.lists.title')}</h1>
      </header>
      <p className="muted">{t('compliance.lists.intro')}</p>
      {error && (
        <p role="alert" className="field-error">
          {t(`error.${error}`)}
        </p>
      )}
      <ImportPanel lists={lists} onImported={(list) => showList(list.id)} />
      <CreateList onCreated={(list) => showList(list.id)} />
      {data && lists.length === 0 && <p className="empty muted">{t('compliance.lists.empty')}</p>}
      {lists.length > 0 && (
        <table className="table" aria-label={t('compliance.lists.title')}>
          <thead>
            <tr>
              <th>{t('compliance.lists.name')}</th>
              <th>{t('compliance.lists.kind')}</th>
              <th>{t('compliance.lists.source')}</th>
              <th>{t('compliance.lists.count')}</th>
              <th>{t('compliance.lists.enabled')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lists.map((list) => (
              <ListRow key={list.id} list={list} selected={list.id === selected} onSelect={() => setSelected(list.id)} onChanged={reload} />
            ))}
          </tbody>
        </table>
      )}
      {current && <TermsPanel key={current.id} list={current} onChanged={reload} />}
    </main>
  );
}

function sourceLabel(t: T, source: string): string {
  return source.startsWith('import:') ? t('compliance.lists.sources.import', { file: source.slice('import:'.length) }) : t('compliance.lists.sources.manual');
}

function ListRow({ list, selected, onSelect, onChanged }: { list: TermList; selected: boolean; onSelect: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(list.name);
  const [error, setError] = useState<string | null>(null);

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await client.call('compliance.updateList', { id: list.id, name });
      setRenaming(false);
      setError(null);
      onChanged();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const toggle = async () => {
    try {
      await client.call('compliance.updateList', { id: list.id, enabled: !list.enabled });
      onChanged();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const remove = async () => {
    if (!window.confirm(t('compliance.lists.deleteConfirm', { name: list.name, count: list.termCount }))) return;
    try {
      await client.call('compliance.deleteList', { id: list.id });
      showToast({ message: t('compliance.lists.deleted', { name: list.name }) });
      onChanged();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };

  return (
    <tr className={selected ? 'cx-selected' : undefined}>
      <td>
        {renaming ? (
          <form className="cx-inline-form" onSubmit={(e) => void rename(e)}>
            <input aria-label={t('compliance.lists.name')} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="primary">
              {t('compliance.lists.save')}
            </button>
            <button type="button" className="secondary" onClick={() => setRenaming(false)}>
              {t('compliance.report.cancel')}
            </button>
          </form>
        ) : (
          <button type="button" className="link-button" aria-label={t('compliance.lists.open', { name: list.name })} onClick={onSelect}>
            {list.name}
          </button>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
      <td>{t(`compliance.lists.kinds.${list.kind}`)}</td>
      <td className="muted">{sourceLabel(t, list.source)}</td>
      <td className="num">{list.termCount}</td>
      <td>
        <input type="checkbox" checked={list.enabled} aria-label={t('compliance.lists.enableList', { name: list.name })} onChange={() => void toggle()} />
      </td>
      <td className="row-actions">
        <button type="button" className="link-button" onClick={() => setRenaming(true)}>
          {t('compliance.lists.rename')}
        </button>
        <button type="button" className="icon-button danger" aria-label={t('compliance.lists.delete', { name: list.name })} onClick={() => void remove()}>
          ×
        </button>
      </td>
    </tr>
  );
}

function CreateList({ onCreated }: { onCreated: (list: TermList) => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ListKind>('flag');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const list = await client.call('compliance.createList', { name, kind });
      setName('');
      setError(null);
      onCreated(list);
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  return (
    <form className="panel cx-create" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t('compliance.lists.create')}</h2>
      <div className="invite-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('compliance.lists.name')}</label>
          <input id={`${id}-name`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('compliance.lists.kind')}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as ListKind)}>
            <option value="flag">{t('compliance.lists.kinds.flag')}</option>
            <option value="allow">{t('compliance.lists.kinds.allow')}</option>
            <option value="host">{t('compliance.lists.kinds.host')}</option>
          </select>
        </div>
        <button type="submit" className="primary">
          {t('compliance.lists.createSubmit')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function ImportPanel({ lists, onImported }: { lists: TermList[]; onImported: (list: TermList) => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ListKind>('flag');
  const [category, setCategory] = useState<Category>('politics');
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const pick = (picked: File | undefined) => {
    setResult(null);
    setFile(picked ?? null);
    if (!picked) return;
    const guess = categoryFromFileName(picked.name);
    if (guess) setCategory(guess);
    if (/allow|白名单|放行/i.test(picked.name)) setKind('allow');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    // Checked here too so a 50 MB file is never read into the page; the host checks again.
    if (file.size > WORD_LIST_MAX_BYTES) return setResult({ ok: false, message: t('compliance.codes.wordList.tooLarge') });
    if (file.size === 0) return setResult({ ok: false, message: t('compliance.codes.wordList.empty') });
    setBusy(true);
    setResult(null);
    try {
      const out: MethodOutput<'compliance.importList'> = await client.call('compliance.importList', {
        fileName: file.name,
        dataBase64: await readAsBase64(file),
        kind,
        ...(kind === 'flag' ? { defaultCategory: category } : {}),
        ...(into ? { listId: into } : {}),
      });
      setResult({ ok: true, message: t('compliance.lists.imported', { name: out.list.name, added: out.added, updated: out.updated, skipped: out.skipped }) });
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      onImported(out.list);
    } catch (err) {
      setResult({ ok: false, message: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const targets = lists.filter((l) => l.kind === kind);
  return (
    <form className="panel cx-import" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('compliance.lists.import')}</h2>
      <p className="muted hint">{t('compliance.lists.importHint')}</p>
      <div className="invite-form">
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('compliance.lists.file')}</label>
          <input ref={inputRef} id={`${id}-file`} type="file" accept=".txt,.csv,.tsv,.dic,text/plain" onChange={(e) => pick(e.target.files?.[0])} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('compliance.lists.kind')}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => {
              setKind(e.target.value as ListKind);
              setInto('');
            }}>
            <option value="flag">{t('compliance.lists.kinds.flag')}</option>
            <option value="allow">{t('compliance.lists.kinds.allow')}</option>
            <option value="host">{t('compliance.lists.kinds.host')}</option>
          </select>
        </div>
        {kind === 'flag' && (
          <div className="field">
            <label htmlFor={`${id}-category`}>{t('compliance.lists.defaultCategory')}</label>
            <select id={`${id}-category`} value={category} onChange={(e) => setCategory(e.target.value as Category)}>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`compliance.categories.${c}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-into`}>{t('compliance.lists.into')}</label>
          <select id={`${id}-into`} value={into} onChange={(e) => setInto(e.target.value)}>
            <option value="">{t('compliance.lists.newList')}</option>
            {targets.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={!file || busy}>
          {busy ? t('compliance.lists.importing') : t('compliance.lists.importSubmit')}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'cx-import-ok' : 'field-error'} role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </p>
      )}
    </form>
  );
}

const PAGE_SIZE = 100;

function TermsPanel({ list, onChanged }: { list: TermList; onChanged: () => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [term, setTerm] = useState('');
  const [category, setCategory] = useState<Category>('ad_absolute');
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const id = useId();
  const { data } = usePolledCall(
    () => client.call('compliance.listTerms', { listId: list.id, query, limit: PAGE_SIZE, offset }),
    `${list.id}:${query}:${offset}:${tick}:${list.updatedAt}`,
  );

  const changed = () => {
    setTick((n) => n + 1);
    onChanged();
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await client.call('compliance.addTerms', { listId: list.id, terms: [list.kind === 'flag' ? { term, category } : { term }] });
      setTerm('');
      setError(null);
      changed();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const remove = async (value: string) => {
    try {
      await client.call('compliance.removeTerms', { listId: list.id, terms: [value] });
      changed();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };

  return (
    <section className="panel cx-terms" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('compliance.lists.termsOf', { name: list.name })}</h2>
      <form className="cx-inline-form" onSubmit={(e) => void add(e)} noValidate>
        <input aria-label={t('compliance.lists.term')} placeholder={t('compliance.lists.term')} value={term} maxLength={100} onChange={(e) => setTerm(e.target.value)} />
        {list.kind === 'flag' && (
          <select aria-label={t('compliance.lists.category')} value={category} onChange={(e) => setCategory(e.target.value as Category)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`compliance.categories.${c}`)}
              </option>
            ))}
          </select>
        )}
        <button type="submit" className="primary">
          {t('compliance.lists.add')}
        </button>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="toolbar">
        <input type="search" className="search" aria-label={t('compliance.lists.search')} placeholder={t('compliance.lists.search')} value={query} onChange={(e) => {
          setQuery(e.target.value);
          setOffset(0);
        }} />
        {data && <span className="muted">{t('compliance.lists.showing', { from: data.total === 0 ? 0 : offset + 1, to: offset + data.items.length, total: data.total })}</span>}
      </div>
      {data && data.items.length === 0 && <p className="muted">{t('compliance.lists.noTerms')}</p>}
      {data && data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('compliance.lists.term')}</th>
              {list.kind === 'flag' && <th>{t('compliance.lists.category')}</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.term}>
                <td>{item.term}</td>
                {list.kind === 'flag' && <td>{item.category ? t(`compliance.categories.${item.category}`) : ''}</td>}
                <td className="row-actions">
                  <button type="button" className="icon-button danger" aria-label={t('compliance.lists.removeTerm', { term: item.term })} onClick={() => void remove(item.term)}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <div className="toolbar">
          <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t('compliance.lists.previous')}
          </button>
          <button type="button" className="secondary" disabled={offset + PAGE_SIZE >= data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            {t('compliance.lists.next')}
          </button>
        </div>
      )}
    </section>
  );
}
