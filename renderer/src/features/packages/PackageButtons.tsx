import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { useApp, useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';
import { formatBytes } from '../media/format';
import { exportPackage, importPackage, isCancelled, type TransferProgress } from './transfer';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The package problem of a refusal, else the error code's message. */
function reasonOf(t: Translate, error: unknown): string {
  if (error instanceof StudioError) {
    const problem = error.fields?.find((f) => f.code.startsWith('package.'));
    return problem ? t(`library.packages.error.${problem.code.slice('package.'.length)}`) : t(`error.${error.code}`);
  }
  return t('error.INTERNAL');
}

/** A running transfer: a progress bar with what it is doing, and its cancel button. */
function TransferStatus({ progress, onCancel }: { progress: TransferProgress | null; onCancel: () => void }) {
  const { t } = useTranslation();
  const percent = progress && progress.totalBytes > 0 ? Math.floor((progress.doneBytes / progress.totalBytes) * 100) : null;
  const phase = progress?.phase ?? 'start';
  return (
    <span className="package-transfer" role="status">
      <progress
        max={100}
        value={percent ?? undefined}
        aria-label={t('library.packages.progressLabel')}
        {...(percent === null ? {} : { 'aria-valuenow': percent, 'aria-valuemin': 0, 'aria-valuemax': 100 })}
      />
      <span className="muted">
        {t(`library.packages.phase.${phase}`, {
          percent: percent ?? 0,
          done: formatBytes(progress?.doneBytes ?? 0),
          total: formatBytes(progress?.totalBytes ?? 0),
        })}
      </span>
      <button type="button" className="link-button" onClick={onCancel}>
        {t('library.packages.cancel')}
      </button>
    </span>
  );
}

/** One transfer at a time per button: its progress, and an AbortController the cancel button fires. */
function useTransfer() {
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  const [controller, setController] = useState<AbortController | null>(null);
  const begin = () => {
    const next = new AbortController();
    setProgress(null);
    setController(next);
    return next;
  };
  const end = () => setController(null);
  return { busy: controller !== null, progress, setProgress, begin, end, cancel: () => controller?.abort() };
}

/** The editor header's 导出课程包: saves pending edits, then writes the package where the creator chooses (or downloads it). */
export function ExportPackageButton() {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const editor = useEditorStore();
  const courseId = useEditor((s) => s.courseId);
  const transfer = useTransfer();

  const run = async () => {
    const controller = transfer.begin();
    try {
      await editor.getState().saveNow();
      const result = await exportPackage(client, courseId, { signal: controller.signal, onProgress: transfer.setProgress });
      if (result.outcome === 'saved') showToast({ message: t('library.packages.savedTo', { path: result.path }) });
      if (result.outcome === 'download') showToast({ message: t('library.packages.exported', { file: result.fileName }) });
    } catch (error) {
      showToast({ message: isCancelled(error) ? t('library.packages.exportCancelled') : t('library.packages.exportFailed', { reason: reasonOf(t, error) }) });
    } finally {
      transfer.end();
    }
  };

  return (
    <span className="export-package">
      <button type="button" className="secondary" disabled={transfer.busy} onClick={() => void run()}>
        {transfer.busy ? t('library.packages.exporting') : t('library.packages.export')}
      </button>
      {transfer.busy && <TransferStatus progress={transfer.progress} onCancel={transfer.cancel} />}
    </span>
  );
}

/**
 * The course list's 导入课程包: the desktop host's open dialog, or (browser mode) a file picker whose file is uploaded
 * first. The new course opens when the import succeeds.
 */
export function ImportPackageButton() {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const navigate = useApp((s) => s.navigate);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const transfer = useTransfer();
  const [error, setError] = useState<string | null>(null);

  const run = async (source: File | 'pick') => {
    const controller = transfer.begin();
    setError(null);
    try {
      const result = await importPackage(client, source, { signal: controller.signal, onProgress: transfer.setProgress });
      if (result.outcome === 'imported') {
        showToast({ message: t('library.packages.imported', { title: result.course.title }) });
        navigate({ name: 'course', id: result.course.id });
      }
    } catch (e) {
      if (isCancelled(e)) showToast({ message: t('library.packages.importCancelled') });
      else setError(t('library.packages.failed', { reason: reasonOf(t, e) }));
    } finally {
      transfer.end();
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  const label = transfer.busy ? t('library.packages.importing') : t('library.packages.import');
  return (
    <span className="import-package">
      {client.kind === 'desktop' ? (
        <button type="button" className="secondary" disabled={transfer.busy} onClick={() => void run('pick')}>
          {label}
        </button>
      ) : (
        <>
          <label className="secondary button-like" htmlFor={id} aria-disabled={transfer.busy || undefined}>
            {label}
          </label>
          <input
            ref={inputRef}
            id={id}
            className="visually-hidden"
            type="file"
            accept=".zip,application/zip"
            disabled={transfer.busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void run(file);
            }}
          />
        </>
      )}
      {transfer.busy && <TransferStatus progress={transfer.progress} onCancel={transfer.cancel} />}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
