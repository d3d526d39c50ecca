import { useTranslation } from 'react-i18next';
import { fieldMessage } from '../i18n/index';

/** The message beside a field; `id` is what the field's aria-describedby points at. */
export function FieldError({ id, code }: { id: string; code: string | null | undefined }) {
  const { t } = useTranslation();
  if (!code) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {fieldMessage(t, code)}
    </p>
  );
}
