import { useTranslation } from 'react-i18next';

/** Says that a page shows the offline copy (the companion is unreachable) and from when; nothing when live. */
export function CachedNote({ cachedAt }: { cachedAt: string | undefined }) {
  const { t, i18n } = useTranslation();
  if (cachedAt === undefined) return null;
  const time = cachedAt ? new Date(cachedAt).toLocaleString(i18n.language) : '—';
  return (
    <p className="publish-note" role="status" data-testid="cached-note">
      {t('publishing.cached', { time })}
    </p>
  );
}
