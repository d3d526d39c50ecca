/**
 * The autosave indicator of an editor (course, lesson body): the state as a live status, with "retry" after an error
 * and "reload" after a conflict. The editor supplies the texts; the look and the behaviour are the same everywhere.
 */
export interface SaveStatusProps {
  /** The editor's save state; `data-save-state` carries it for tests and styles. */
  state: string;
  /** The CSS modifier when it differs from the state (a body over WeChat's limits shows as invalid). */
  variant?: string;
  label: string;
  title?: string;
  retryLabel: string;
  reloadLabel: string;
  onRetry: () => void;
}

export function SaveStatus({ state, variant, label, title, retryLabel, reloadLabel, onRetry }: SaveStatusProps) {
  return (
    <div className={`save-status save-${variant ?? state}`}>
      <span role="status" aria-live="polite" data-save-state={state} title={title}>
        {label}
      </span>
      {state === 'error' && (
        <button type="button" className="link-button" onClick={onRetry}>
          {retryLabel}
        </button>
      )}
      {state === 'conflict' && (
        <button type="button" className="link-button" onClick={() => window.location.reload()}>
          {reloadLabel}
        </button>
      )}
    </div>
  );
}
