import { useTranslation } from 'react-i18next';
import { useApp } from '../app/stores';

/** The single toast (e.g. "deleted — undo"), announced politely to screen readers. */
export function ToastRegion() {
  const { t } = useTranslation();
  const toast = useApp((s) => s.toast);
  const dismiss = useApp((s) => s.dismissToast);
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast && (
        <div className="toast">
          <span>{toast.message}</span>
          {toast.action && toast.actionLabel && (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                toast.action?.();
                dismiss(toast.id);
              }}
            >
              {toast.actionLabel}
            </button>
          )}
          <button type="button" className="icon-button" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
