import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../../shared/settings';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';

export function createI18n(locale: Locale): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
    interpolation: { escapeValue: false },
    // Field codes contain dots ("field.title.required"); i18next finds such flat keys inside nested objects.
    nsSeparator: false,
    initAsync: false,
  });
  return instance;
}

/** The message for a field problem code, e.g. `price.negative`; unknown codes get a generic message. */
export function fieldMessage(t: (key: string, options?: Record<string, unknown>) => string, code: string): string {
  return t(`field.${code}`, { defaultValue: '' }) || t('field.invalid');
}
