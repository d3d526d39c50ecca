import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { saveBytesFile } from '../../api/save-file';
import { useApp, useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';

/** The message for a refused import: the package problem if there is one, else the error code's. */
function importFailure(t: (key: string, options?: Record<string, unknown>) => string, error: unknown): string {
  if (error instanceof StudioError) {
    const problem = error.fields?.find((f) => f.code.startsWith('package.'));
    const reason = problem ? t(`library.packages.error.${problem.code.slice('package.'.length)}`) : t(`error.${error.code}`);
    return t('library.packages.failed', { reason });
  }
  return t('library.packages.failed', { reason: t('error.INTERNAL') });
}

/** The editor header's 导出课程包: saves pending edits, then downloads the package the host builds. */
export function ExportPackageButton() {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const editor = useEditorStore();
  const courseId = useEditor((s) => s.courseId);
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void editor
          .getState()
          .saveNow()
          .then(() => client.call('packages.export', { courseId }))
          .then(
            (pkg) => {
              saveBytesFile(pkg.fileName, pkg.dataBase64, 'application/zip');
              showToast({ message: t('library.packages.exported', { file: pkg.fileName }) });
            },
            (e: unknown) => {
              const problem = e instanceof StudioError ? e.fields?.find((f) => f.code.startsWith('package.')) : undefined;
              showToast({
                message: problem
                  ? t('library.packages.exportFailed', { reason: t(`library.packages.error.${problem.code.slice('package.'.length)}`) })
                  : t(`error.${e instanceof StudioError ? e.code : 'INTERNAL'}`),
              });
            },
          )
          .finally(() => setBusy(false));
      }}
    >
      {busy ? t('library.packages.exporting') : t('library.packages.export')}
    </button>
  );
}

/** The course list's 导入课程包: a file picker; the new course opens when the import succeeds. */
export function ImportPackageButton() {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const navigate = useApp((s) => s.navigate);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const result = await client.call('packages.import', { fileName: file.name, dataBase64: btoa(binary) });
      showToast({ message: t('library.packages.imported', { title: result.course.title }) });
      navigate({ name: 'course', id: result.course.id });
    } catch (e) {
      setError(importFailure(t, e));
    } finally {
      setBusy(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  return (
    <span className="import-package">
      <label className="secondary button-like" htmlFor={id} aria-disabled={busy || undefined}>
        {busy ? t('library.packages.importing') : t('library.packages.import')}
      </label>
      <input
        ref={inputRef}
        id={id}
        className="visually-hidden"
        type="file"
        accept=".zip,application/zip"
        disabled={busy}
        onChange={(e) => void pick(e.target.files?.[0])}
      />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
