import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import '../library/library.css';

/** One row of a history list, in the words of the panel that shows it. */
export interface VersionRow {
  seq: number;
  label: string | null;
  /** Why it was taken (created, interval, before a restore …), already translated. */
  reason: string;
  createdAt: string;
  /** What follows the time: the course title, or the body's length. */
  detail: string;
}

/** The texts of one kind of history (course versions, lesson body versions). */
export interface VersionHistoryTexts {
  title: string;
  close: string;
  labelLabel: string;
  labelPlaceholder: string;
  snapshot: string;
  loading: string;
  empty: string;
  compare: string;
  restore: string;
  seq: (seq: number) => string;
  comparing: (seq: number) => string;
}

/**
 * The 历史版本 panel as the creator sees it — a snapshot form, the versions with time and reason, compare and restore
 * buttons, and the diff of the chosen version — for both course versions and lesson body versions; each caller keeps
 * its own data and actions.
 */
export function VersionHistory(props: {
  texts: VersionHistoryTexts;
  items: VersionRow[] | null;
  label: string;
  labelMax: number;
  onLabel: (label: string) => void;
  onSnapshot: () => void;
  onCompare: (seq: number) => void;
  onRestore: (seq: number) => void;
  onClose: () => void;
  busy: boolean;
  error: string | null;
  selected: number | null;
  /** The diff of the selected version, when one is shown. */
  diff: ReactNode;
  /** Attribute naming a row's version for tests (`data-version-seq`, `data-body-version-seq`). */
  rowAttribute: string;
  diffTestId?: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { texts, items, busy } = props;
  return (
    <aside className="history-panel" role="dialog" aria-labelledby={`${id}-title`}>
      <header>
        <h2 id={`${id}-title`}>{texts.title}</h2>
        <button type="button" className="icon-button" aria-label={texts.close} onClick={props.onClose}>
          ×
        </button>
      </header>
      <div className="history-body">
        <div className="history-snapshot">
          <label htmlFor={`${id}-label`} className="visually-hidden">
            {texts.labelLabel}
          </label>
          <input id={`${id}-label`} value={props.label} maxLength={props.labelMax} placeholder={texts.labelPlaceholder} onChange={(e) => props.onLabel(e.target.value)} />
          <button type="button" className="primary" disabled={busy} onClick={props.onSnapshot}>
            {texts.snapshot}
          </button>
        </div>
        {props.error && (
          <p className="field-error" role="alert">
            {t(`error.${props.error}`)}
          </p>
        )}
        {items === null ? (
          <p className="muted">{texts.loading}</p>
        ) : items.length === 0 ? (
          <p className="muted">{texts.empty}</p>
        ) : (
          <ol className="history-list" aria-label={texts.title}>
            {items.map((v) => (
              <li key={v.seq} className="history-item" aria-current={props.selected === v.seq ? 'true' : undefined} {...{ [props.rowAttribute]: v.seq }}>
                <div>
                  <strong>{texts.seq(v.seq)}</strong>
                  {v.label && <span> · {v.label}</span>}
                  <span className="muted"> · {v.reason}</span>
                </div>
                <div className="muted">
                  {new Date(v.createdAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })} · {v.detail}
                </div>
                <div className="history-actions">
                  <button type="button" className="link-button" disabled={busy} onClick={() => props.onCompare(v.seq)}>
                    {texts.compare}
                  </button>
                  <button type="button" className="link-button" disabled={busy} onClick={() => props.onRestore(v.seq)}>
                    {texts.restore}
                  </button>
                </div>
                {props.selected === v.seq && props.diff && (
                  <div className="history-diff" aria-label={texts.comparing(v.seq)} {...(props.diffTestId ? { 'data-testid': props.diffTestId } : {})}>
                    {props.diff}
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
