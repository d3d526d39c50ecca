import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import type { MediaChoiceInfo } from '../../../../shared/contract/course-types';
import { findLesson } from '../../../../shared/domain/outline';
import { SALE_RULES, lessonDetailsOf, type LessonTypeDetails } from '../../../../shared/domain/course-types';
import { useStores } from '../../app/stores';
import { useEditor, useEditorStore } from './CourseEditor';
import type { Draft } from './editor-store';
import { TypeFieldError, useDraftIssueAt } from './CourseTypeFields';
import { formatClock, lessonPriceText, parseClock, parseLessonPrice, setLessonDetails, withInput, type InputKey } from './type-draft';

/**
 * What the course's type adds to one lesson, under its row in the outline: the free-trial toggle and its own price
 * where the type allows them, and (audio and video) a details panel with the media file, its duration, the transcript
 * or the chapter marks. Every change is one `apply`, coalesced per field while typing.
 */
export function LessonTypeFields({ lessonId, title }: { lessonId: string; title: string }) {
  const { t } = useTranslation();
  const store = useEditorStore();
  const type = useEditor((s) => s.draft.type);
  const chapters = useEditor((s) => s.draft.chapters);
  const position = findLesson(chapters, lessonId);
  const lesson = position ? chapters[position.chapter]!.lessons[position.lesson]! : null;
  const priceKey: InputKey = `lesson:${lessonId}:priceFen`;
  const priceRaw = useEditor((s) => s.draft.typeInputs[priceKey]);
  const issueAt = useDraftIssueAt();
  const [open, setOpen] = useState(false);
  const ids = { price: useId(), panel: useId() };
  if (!lesson || !position) return null;

  const rule = SALE_RULES[type];
  const details = lessonDetailsOf(lesson);
  const base = `chapters.${position.chapter}.lessons.${position.lesson}.typeDetails`;
  const errorAt = (field: string) => issueAt(`${base}.${field}`);
  const change = (update: (d: LessonTypeDetails) => LessonTypeDetails, coalesce?: string, extra?: (d: Draft) => Draft) =>
    store.getState().apply(
      (draft) => {
        const next = setLessonDetails(draft, lessonId, update);
        return extra ? extra(next) : next;
      },
      coalesce === undefined ? {} : { coalesce },
    );

  const trialError = errorAt('freeTrial');
  const priceError = errorAt('priceFen');
  const hasPanel = rule.lessonMedia !== null;
  if (!rule.freeTrial && !rule.perLessonPrice && !hasPanel && !trialError && !priceError) return null;

  return (
    <div className="lesson-type">
      {(rule.freeTrial || details.freeTrial) && (
        <label className="check">
          <input
            type="checkbox"
            checked={details.freeTrial}
            aria-label={t('courseTypes.lesson.freeTrialOf', { title })}
            aria-invalid={trialError ? true : undefined}
            onChange={(e) => {
              const freeTrial = e.target.checked;
              change((d) => ({ ...d, freeTrial }));
            }}
          />
          {t('courseTypes.lesson.freeTrial')}
        </label>
      )}
      {(rule.perLessonPrice || details.priceFen !== null) && (
        <label className="check" title={t('courseTypes.lesson.priceHint')}>
          {t('courseTypes.lesson.price')}
          <input
            id={ids.price}
            className="lesson-price"
            inputMode="decimal"
            value={priceRaw ?? lessonPriceText(details.priceFen)}
            placeholder="—"
            aria-label={t('courseTypes.lesson.priceOf', { title })}
            aria-invalid={priceError ? true : undefined}
            aria-describedby={priceError ? `${ids.price}-error` : undefined}
            onChange={(e) => {
              const text = e.target.value;
              const parsed = parseLessonPrice(text);
              // The typed text stays on screen either way; the document holds the price once it parses.
              if (parsed.ok) change((d) => ({ ...d, priceFen: parsed.value }), priceKey, (d) => withInput(d, priceKey, text === lessonPriceText(parsed.value) ? undefined : text));
              else change((d) => d, priceKey, (d) => withInput(d, priceKey, text));
            }}
          />
        </label>
      )}
      {hasPanel && (
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls={ids.panel}
          aria-label={t('courseTypes.lesson.detailsOf', { title })}
          onClick={() => setOpen(!open)}
        >
          {t('courseTypes.lesson.details')} {open ? '▴' : '▾'}
        </button>
      )}
      <TypeFieldError id={`${ids.price}-trial-error`} code={trialError} />
      <TypeFieldError id={`${ids.price}-error`} code={priceError} />
      {hasPanel && open && (
        <div id={ids.panel} className="lesson-panel" role="group" aria-label={t('courseTypes.lesson.detailsOf', { title })}>
          <MediaField kind={rule.lessonMedia!} value={details.mediaHash} error={errorAt('mediaHash')} onChange={(mediaHash) => change((d) => ({ ...d, mediaHash }))} />
          <ClockField
            inputKey={`lesson:${lessonId}:durationSec`}
            label={t('courseTypes.lesson.duration')}
            hint={t('courseTypes.lesson.durationHint')}
            value={details.durationSec}
            error={errorAt('durationSec')}
            nullable
            onValue={(durationSec, extra) => change((d) => ({ ...d, durationSec }), `lesson:${lessonId}:duration`, extra)}
          />
          {type === 'audio' && (
            <TranscriptField value={details.transcript} error={errorAt('transcript')} onChange={(transcript) => change((d) => ({ ...d, transcript }), `lesson:${lessonId}:transcript`)} />
          )}
          {type === 'video' && <ChapterMarks lessonId={lessonId} details={details} errorAt={errorAt} change={change} />}
        </div>
      )}
    </div>
  );
}

function MediaField({ kind, value, error, onChange }: { kind: 'audio' | 'video'; value: string | null; error: string | null; onChange: (hash: string | null) => void }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [choices, setChoices] = useState<MediaChoiceInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    let cancelled = false;
    client.call('courseTypes.mediaChoices', { kind }).then(
      (r) => !cancelled && setChoices(r.items),
      (e: unknown) => !cancelled && setLoadError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      cancelled = true;
    };
  }, [client, kind]);
  const known = choices?.some((c) => c.hash === value) ?? true;
  return (
    <div className="field">
      <label htmlFor={id}>{t(`courseTypes.lesson.${kind}`)}</label>
      <select
        id={id}
        value={value ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">{t('courseTypes.lesson.noMedia')}</option>
        {value && !known && <option value={value}>{t('courseTypes.lesson.unknownMedia', { hash: value.slice(0, 8) })}</option>}
        {choices?.map((c) => (
          <option key={c.hash} value={c.hash}>
            {c.originalName || c.hash.slice(0, 12)}
          </option>
        ))}
      </select>
      {choices?.length === 0 && <p className="muted hint">{t('courseTypes.lesson.noMediaYet', { kind: t(`courseTypes.lesson.mediaKind.${kind}`) })}</p>}
      {loadError && <p className="field-error">{t(`error.${loadError}`)}</p>}
      <TypeFieldError id={`${id}-error`} code={error} />
    </div>
  );
}

/** A time in m:ss (or h:mm:ss) kept as typed until it parses; `nullable` lets an empty field mean "unknown". */
function ClockField({
  inputKey,
  label,
  hint,
  value,
  error,
  nullable,
  onValue,
}: {
  inputKey: InputKey;
  label: string;
  hint?: string;
  value: number | null;
  error: string | null;
  nullable?: boolean;
  onValue: (value: number | null, extra: (d: Draft) => Draft) => void;
}) {
  const raw = useEditor((s) => s.draft.typeInputs[inputKey]);
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="short-input"
        value={raw ?? (value === null ? '' : formatClock(value))}
        placeholder="0:00"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        onChange={(e) => {
          const text = e.target.value;
          if (nullable && text.trim() === '') return onValue(null, (d) => withInput(d, inputKey, undefined));
          const parsed = parseClock(text);
          if (parsed.ok) onValue(parsed.value, (d) => withInput(d, inputKey, text === formatClock(parsed.value) ? undefined : text));
          else onValue(value, (d) => withInput(d, inputKey, text));
        }}
      />
      {hint && (
        <p id={`${id}-hint`} className="muted hint">
          {hint}
        </p>
      )}
      <TypeFieldError id={`${id}-error`} code={error} />
    </div>
  );
}

function TranscriptField({ value, error, onChange }: { value: string; error: string | null; onChange: (text: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('courseTypes.lesson.transcript')}</label>
      <textarea
        id={id}
        rows={6}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <TypeFieldError id={`${id}-error`} code={error} />
    </div>
  );
}

function ChapterMarks({
  lessonId,
  details,
  errorAt,
  change,
}: {
  lessonId: string;
  details: LessonTypeDetails;
  errorAt: (field: string) => string | null;
  change: (update: (d: LessonTypeDetails) => LessonTypeDetails, coalesce?: string, extra?: (d: Draft) => Draft) => void;
}) {
  const { t } = useTranslation();
  const marksError = errorAt('chapterMarks');
  // Raw times are keyed by index: removing a mark clears them rather than shifting them onto other marks.
  const clearRawTimes = (d: Draft): Draft => {
    let next = d;
    for (const key of Object.keys(d.typeInputs)) if (key.startsWith(`lesson:${lessonId}:chapterMarks.`)) next = withInput(next, key as InputKey, undefined);
    return next;
  };
  return (
    <fieldset className="field">
      <legend>{t('courseTypes.lesson.marks')}</legend>
      {details.chapterMarks.map((mark, i) => {
        const n = i + 1;
        const titleError = errorAt(`chapterMarks.${i}.title`);
        return (
          <div key={i} className="chapter-mark">
            <ClockField
              inputKey={`lesson:${lessonId}:chapterMarks.${i}.timeSec`}
              label={t('courseTypes.lesson.markTime', { n })}
              value={mark.timeSec}
              error={errorAt(`chapterMarks.${i}.timeSec`)}
              onValue={(timeSec, extra) =>
                change((d) => ({ ...d, chapterMarks: d.chapterMarks.map((m, j) => (j === i ? { ...m, timeSec: timeSec ?? m.timeSec } : m)) }), `lesson:${lessonId}:mark:${i}:time`, extra)
              }
            />
            <input
              aria-label={t('courseTypes.lesson.markTitle', { n })}
              value={mark.title}
              aria-invalid={titleError ? true : undefined}
              onChange={(e) => {
                const title = e.target.value;
                change((d) => ({ ...d, chapterMarks: d.chapterMarks.map((m, j) => (j === i ? { ...m, title } : m)) }), `lesson:${lessonId}:mark:${i}:title`);
              }}
            />
            <button
              type="button"
              className="icon-button danger"
              aria-label={t('courseTypes.lesson.removeMark', { n })}
              onClick={() => change((d) => ({ ...d, chapterMarks: d.chapterMarks.filter((_, j) => j !== i) }), undefined, clearRawTimes)}
            >
              ×
            </button>
            <TypeFieldError id={`mark-${lessonId}-${i}-title-error`} code={titleError} />
          </div>
        );
      })}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          change((d) => {
            const last = d.chapterMarks.at(-1);
            return { ...d, chapterMarks: [...d.chapterMarks, { timeSec: last ? last.timeSec + 60 : 0, title: t('courseTypes.lesson.marks') }] };
          })
        }
      >
        + {t('courseTypes.lesson.addMark')}
      </button>
      <TypeFieldError id={`marks-${lessonId}-error`} code={marksError} />
    </fieldset>
  );
}
