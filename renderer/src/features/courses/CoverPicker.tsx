import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { COURSE_LIMITS } from '../../../../shared/domain/course';
import { useStores } from '../../app/stores';
import { FieldError } from '../../components/FieldError';
import { useEditor, useEditorStore } from './CourseEditor';
import { EMPTY_COVER_CROPS } from '../../../../shared/preview/crop';
import { CoverCropEditor } from '../preview/CoverCropEditor';
import { readAsBase64 } from '../../api/read-file';

const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp';

/**
 * Picks a cover from disk. The host copies it into the workspace (content-addressed) and checks it is really an
 * image; only then does the draft point at it, so a refused file changes nothing.
 */
export function CoverPicker() {
  const { t } = useTranslation();
  const { client } = useStores();
  const store = useEditorStore();
  const coverHash = useEditor((s) => s.draft.coverHash);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    // Checked here too so a 200 MB video is never read into memory; the host checks again.
    if (file.size > COURSE_LIMITS.coverMaxBytes) return setError('cover.tooLarge');
    if (file.size === 0) return setError('cover.empty');
    setBusy(true);
    try {
      const media = await client.call('media.importImage', { fileName: file.name, dataBase64: await readAsBase64(file) });
      // Crops belong to one image: a new cover starts from WeChat's centred defaults.
      store.getState().apply((d) => ({ ...d, coverHash: media.hash, coverCrops: d.coverHash === media.hash ? d.coverCrops : EMPTY_COVER_CROPS }));
    } catch (e) {
      setError(e instanceof StudioError ? (e.fields?.[0]?.code ?? e.code) : 'cover.notImage');
    } finally {
      setBusy(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  return (
    <div className="field cover-field">
      <span className="label" id={`${id}-label`}>
        {t('editor.cover')}
      </span>
      <div className="cover-preview">
        {coverHash ? <img src={client.mediaUrl(coverHash)} alt={t('editor.coverAlt')} /> : <span className="muted">900 × 500</span>}
      </div>
      <div className="cover-actions">
        <label className="secondary button-like" htmlFor={id}>
          {coverHash ? t('editor.coverReplace') : t('editor.coverPick')}
        </label>
        <input
          ref={inputRef}
          id={id}
          className="visually-hidden"
          type="file"
          accept={ACCEPT}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          disabled={busy}
          onChange={(e) => void pick(e.target.files?.[0])}
        />
        {coverHash && (
          <button type="button" className="link-button" onClick={() => store.getState().apply((d) => ({ ...d, coverHash: null, coverCrops: EMPTY_COVER_CROPS }))}>
            {t('editor.coverRemove')}
          </button>
        )}
      </div>
      <p id={`${id}-hint`} className="muted hint">
        {busy ? t('editor.coverUploading') : t('editor.coverHint')}
      </p>
      <CoverCropEditor />
      <FieldError id={`${id}-error`} code={error && (error.startsWith('cover.') ? error : null)} />
      {error && !error.startsWith('cover.') && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
    </div>
  );
}
