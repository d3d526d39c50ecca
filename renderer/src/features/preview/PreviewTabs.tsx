import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PreviewGallery } from './PreviewGallery';
import { usePreview } from './use-preview';
import type { SideTab } from './preview-store';

const TABS: SideTab[] = ['outline', 'preview'];

/**
 * The editor's side panel: the outline, or the WeChat preview of the course beside the fields, so the previews follow
 * the title and summary as they are typed. The outline stays mounted (hidden) so switching loses nothing.
 */
export function PreviewTabs({ outline }: { outline: ReactNode }) {
  const { t } = useTranslation();
  const id = useId();
  const tab = usePreview((s) => s.tab);
  const setTab = usePreview((s) => s.setTab);
  return (
    <div className="pv-side">
      <div className="pv-tabs" role="tablist" aria-label={t('preview.tabs.label')}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`${id}-${name}`}
            aria-selected={tab === name}
            aria-controls={`${id}-${name}-panel`}
            tabIndex={tab === name ? 0 : -1}
            className={tab === name ? 'pv-tab selected' : 'pv-tab'}
            onClick={() => setTab(name)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = TABS[(TABS.indexOf(name) + 1) % TABS.length]!;
                setTab(next);
                document.getElementById(`${id}-${next}`)?.focus();
              }
            }}
          >
            {t(`preview.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-outline-panel`} aria-labelledby={`${id}-outline`} hidden={tab !== 'outline'}>
        {outline}
      </div>
      {tab === 'preview' && (
        <div role="tabpanel" id={`${id}-preview-panel`} aria-labelledby={`${id}-preview`} className="pv-panel">
          <PreviewGallery />
        </div>
      )}
    </div>
  );
}
