import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { COURSE_TYPES, countLessons, type CourseType } from '../../../../shared/domain/course';
import {
  REMINDER_ORDER,
  SALE_RULES,
  changeCourseType,
  type CampDetails,
  type ColumnDetails,
  type CourseTypeDetails,
  type DroppedField,
  type LiveDetails,
  type TypeDetailsOf,
} from '../../../../shared/domain/course-types';
import {
  LIVE_TIME_ZONES,
  formatOffset,
  fromZonedInput,
  inclusiveDays,
  instantMs,
  issueDates,
  toZonedInput,
  type LiveTimeZone,
} from '../../../../shared/domain/course-schedule';
import { fieldMessage } from '../../i18n/index';
import { useEditor, useEditorStore } from './CourseEditor';
import { draftIssues, type Draft } from './editor-store';
import { applyTypeChange, parseWhole, setTypeDetails, withInput, type InputKey } from './type-draft';
import './course-types.css';

type T = (key: string, options?: Record<string, unknown>) => string;

/** A type field's message: the course-type block first (`courseTypes.field.<code>`), then the shared field messages. */
export function typeFieldMessage(t: T, code: string): string {
  return t(`courseTypes.field.${code}`, { defaultValue: '' }) || fieldMessage(t, code);
}

export function TypeFieldError({ id, code }: { id: string; code: string | null | undefined }) {
  const { t } = useTranslation();
  if (!code) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {typeFieldMessage(t, code)}
    </p>
  );
}

// One validation per draft however many fields and lesson rows ask (a 200-lesson outline asks 200 times per change).
const issueCache = new WeakMap<Draft, { saved: Draft; byPath: Map<string, string> }>();

/** The draft's problems by path, computed once per draft (and saved draft). */
export function useDraftIssueAt(): (path: string) => string | null {
  const draft = useEditor((s) => s.draft);
  const saved = useEditor((s) => s.savedDraft);
  let byPath = issueCache.get(draft)?.saved === saved ? issueCache.get(draft)!.byPath : null;
  if (!byPath) {
    byPath = new Map();
    for (const issue of draftIssues(draft, saved)) if (!byPath.has(issue.path)) byPath.set(issue.path, issue.code);
    issueCache.set(draft, { saved, byPath });
  }
  const issues = byPath;
  return (path) => issues.get(path) ?? null;
}

/** The type picker. A change that would clear something the creator entered asks first; either way it is one undo step. */
export function CourseTypePicker() {
  const { t } = useTranslation();
  const store = useEditorStore();
  const type = useEditor((s) => s.draft.type);
  const [pending, setPending] = useState<{ to: CourseType; dropped: DroppedField[] } | null>(null);
  const legend = useId();

  const choose = (to: CourseType) => {
    const draft = store.getState().draft;
    if (to === draft.type) return;
    const { dropped } = changeCourseType({ typeDetails: draft.typeDetails, chapters: draft.chapters }, to);
    if (dropped.length > 0) setPending({ to, dropped });
    else store.getState().apply((d) => applyTypeChange(d, to));
  };

  return (
    <fieldset className="field">
      <legend id={legend}>{t('editor.type')}</legend>
      <div className="segmented" role="radiogroup" aria-labelledby={legend}>
        {COURSE_TYPES.map((value) => (
          <label key={value} className={type === value ? 'segment selected' : 'segment'}>
            <input type="radio" name="course-type" value={value} checked={type === value} onChange={() => choose(value)} />
            {t(`courseType.${value}`)}
          </label>
        ))}
      </div>
      {pending && (
        <div className="type-change-confirm" role="alertdialog" aria-labelledby={`${legend}-confirm`} aria-describedby={`${legend}-body`}>
          <p id={`${legend}-confirm`} className="type-change-title">
            {t('courseTypes.change.title', { type: t(`courseType.${pending.to}`) })}
          </p>
          <p id={`${legend}-body`}>{t('courseTypes.change.body', { type: t(`courseType.${pending.to}`) })}</p>
          <ul>
            {pending.dropped.map((d) => (
              <li key={d.field}>{t(`courseTypes.dropped.${d.field}`, { count: d.count })}</li>
            ))}
          </ul>
          <div className="type-change-actions">
            <button
              type="button"
              className="danger"
              onClick={() => {
                const to = pending.to;
                setPending(null);
                store.getState().apply((d) => applyTypeChange(d, to));
              }}
            >
              {t('courseTypes.change.confirm')}
            </button>
            <button type="button" className="secondary" autoFocus onClick={() => setPending(null)}>
              {t('courseTypes.change.cancel')}
            </button>
          </div>
        </div>
      )}
    </fieldset>
  );
}

/** The type's own section of the course editor. */
export function CourseTypeFields() {
  const { t } = useTranslation();
  const type = useEditor((s) => s.draft.type);
  const rule = SALE_RULES[type];
  const typeName = t(`courseType.${type}`);
  const sale = rule.perLessonPrice ? t('courseTypes.saleRule.perLesson') : t(rule.freeTrial ? 'courseTypes.saleRule.wholeWithTrial' : 'courseTypes.saleRule.whole', { type: typeName });
  return (
    <section className="type-fields" aria-label={t('courseTypes.section', { type: typeName })}>
      <h2>{t('courseTypes.section', { type: typeName })}</h2>
      <p className="muted hint">{sale}</p>
      {type === 'article' && <ArticleFields />}
      {type === 'audio' && <p className="muted hint">{t('courseTypes.media.audioHint')}</p>}
      {type === 'video' && <p className="muted hint">{t('courseTypes.media.videoHint')}</p>}
      {type === 'live' && <LiveFields />}
      {type === 'column' && <ColumnFields />}
      {type === 'camp' && <CampFields />}
    </section>
  );
}

/** The draft's details, typed for the section that is only shown for that type. */
function useDetails<K extends CourseType>(type: K): TypeDetailsOf<K> {
  const details = useEditor((s) => s.draft.typeDetails);
  if (details.type !== type) throw new Error(`type section ${type} shown for ${details.type}`);
  return details as TypeDetailsOf<K>;
}

/** Updates the details of the type currently shown (a no-op if the type changed meanwhile). */
function useUpdate<K extends CourseType>(type: K) {
  const store = useEditorStore();
  return (update: (d: TypeDetailsOf<K>) => TypeDetailsOf<K>, coalesce?: string, extra?: (d: Draft) => Draft) =>
    store.getState().apply(
      (draft) => {
        if (draft.typeDetails.type !== type) return draft;
        const next = setTypeDetails(draft, (d) => update(d as TypeDetailsOf<K>) as CourseTypeDetails);
        return extra ? extra(next) : next;
      },
      coalesce === undefined ? {} : { coalesce },
    );
}

function Field({ label, id, error, hint, children }: { label: string; id: string; error: string | null; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="muted hint">
          {hint}
        </p>
      )}
      <TypeFieldError id={`${id}-error`} code={error} />
    </div>
  );
}

function describedBy(id: string, error: string | null, hint?: boolean): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

/**
 * A whole-number field of the details: shows the text as typed until it parses, then the number; every keystroke is
 * one `apply` (coalesced per field).
 */
function WholeInput<K extends CourseType>({
  type,
  path,
  value,
  set,
  label,
  hint,
}: {
  type: K;
  path: string;
  value: number;
  set: (d: TypeDetailsOf<K>, n: number) => TypeDetailsOf<K>;
  label: string;
  hint?: string;
}) {
  const id = useId();
  const key: InputKey = `course:${path}`;
  const raw = useEditor((s) => s.draft.typeInputs[key]);
  const issueAt = useDraftIssueAt();
  const update = useUpdate(type);
  const error = issueAt(`typeDetails.${path}`);
  return (
    <Field label={label} id={id} error={error} {...(hint ? { hint } : {})}>
      <input
        id={id}
        inputMode="numeric"
        className="short-input"
        value={raw ?? String(value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, Boolean(hint))}
        onChange={(e) => {
          const text = e.target.value;
          const parsed = parseWhole(text);
          if (parsed.ok) update((d) => set(d, parsed.value), key, (d) => withInput(d, key, undefined));
          else update((d) => d, key, (d) => withInput(d, key, text));
        }}
      />
    </Field>
  );
}

function ArticleFields() {
  const { t } = useTranslation();
  const details = useDetails('article');
  const update = useUpdate('article');
  const issueAt = useDraftIssueAt();
  const id = useId();
  const error = issueAt('typeDetails.author');
  return (
    <>
      <Field label={t('courseTypes.article.author')} id={id} error={error} hint={t('courseTypes.article.authorHint')}>
        <input
          id={id}
          value={details.author}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error, true)}
          onChange={(e) => {
            const author = e.target.value;
            update((d) => ({ ...d, author }), 'type:author');
          }}
        />
      </Field>
      <p className="muted hint">{t('courseTypes.article.bodyHint')}</p>
    </>
  );
}

function LiveFields() {
  const { t, i18n } = useTranslation();
  const details = useDetails('live');
  const update = useUpdate('live');
  const issueAt = useDraftIssueAt();
  const startRaw = useEditor((s) => s.draft.typeInputs['course:startAt']);
  const ids = { start: useId(), zone: useId(), replay: useId(), reminders: useId() };
  const startError = issueAt('typeDetails.startAt');
  const replayError = issueAt('typeDetails.replayUrl');
  const startMs = details.startAt === null ? null : instantMs(details.startAt);
  const zoneName = t(`courseTypes.live.zone.${details.timeZone}`);
  const shown =
    startMs === null
      ? t('courseTypes.live.notScheduled')
      : t('courseTypes.live.startShown', {
          time: new Intl.DateTimeFormat(i18n.language, { timeZone: details.timeZone, dateStyle: 'full', timeStyle: 'short' }).format(startMs),
          zone: zoneName,
          offset: formatOffset(startMs, details.timeZone),
        });

  const setStart = (text: string) => {
    const key: InputKey = 'course:startAt';
    if (text === '') return update((d) => ({ ...d, startAt: null }), key, (d) => withInput(d, key, undefined));
    const iso = fromZonedInput(text, details.timeZone);
    if (iso) update((d) => ({ ...d, startAt: iso }), key, (d) => withInput(d, key, undefined));
    else update((d) => d, key, (d) => withInput(d, key, text));
  };

  return (
    <>
      <div className="type-row">
        <Field label={t('courseTypes.live.startAt')} id={ids.start} error={startError}>
          <input
            id={ids.start}
            type="datetime-local"
            value={startRaw ?? (details.startAt ? toZonedInput(details.startAt, details.timeZone) : '')}
            aria-invalid={startError ? true : undefined}
            aria-describedby={startError ? `${ids.start}-error` : `${ids.start}-shown`}
            onChange={(e) => setStart(e.target.value)}
          />
        </Field>
        <div className="field">
          <label htmlFor={ids.zone}>{t('courseTypes.live.timeZone')}</label>
          <select
            id={ids.zone}
            value={details.timeZone}
            onChange={(e) => {
              const timeZone = e.target.value as LiveTimeZone;
              // The instant stays; only how it is shown and typed changes.
              update((d): LiveDetails => ({ ...d, timeZone }));
            }}
          >
            {LIVE_TIME_ZONES.map((z) => (
              <option key={z} value={z}>
                {t(`courseTypes.live.zone.${z}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p id={`${ids.start}-shown`} className="muted hint live-start-shown" data-testid="live-start-shown">
        {shown}
      </p>
      <WholeInput type="live" path="durationMinutes" value={details.durationMinutes} set={(d, n) => ({ ...d, durationMinutes: n })} label={t('courseTypes.live.duration')} />
      <fieldset className="field">
        <legend id={ids.reminders}>{t('courseTypes.live.reminders')}</legend>
        <div className="checks">
          {REMINDER_ORDER.map((preset) => {
            const index = details.reminders.indexOf(preset);
            const error = index >= 0 ? issueAt(`typeDetails.reminders.${index}`) : null;
            const errorId = `${ids.reminders}-${preset}-error`;
            return (
              <div key={preset} className="check">
                <label>
                  <input
                    type="checkbox"
                    checked={index >= 0}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? errorId : undefined}
                    onChange={(e) => {
                      const on = e.target.checked;
                      update((d) => ({ ...d, reminders: REMINDER_ORDER.filter((p) => (p === preset ? on : d.reminders.includes(p))) }));
                    }}
                  />
                  {t(`courseTypes.live.reminder.${preset}`)}
                </label>
                <TypeFieldError id={errorId} code={error} />
              </div>
            );
          })}
        </div>
      </fieldset>
      <Field label={t('courseTypes.live.replayUrl')} id={ids.replay} error={replayError} hint={t('courseTypes.live.replayHint')}>
        <input
          id={ids.replay}
          type="url"
          inputMode="url"
          value={details.replayUrl}
          placeholder="https://"
          aria-invalid={replayError ? true : undefined}
          aria-describedby={describedBy(ids.replay, replayError, true)}
          onChange={(e) => {
            const replayUrl = e.target.value;
            update((d) => ({ ...d, replayUrl }), 'type:replayUrl');
          }}
        />
      </Field>
    </>
  );
}

function ColumnFields() {
  const { t } = useTranslation();
  const details = useDetails('column');
  const update = useUpdate('column');
  const issueAt = useDraftIssueAt();
  const lessons = useEditor((s) => countLessons(s.draft.chapters));
  const ids = { kind: useId(), weekdays: useId(), start: useId() };
  const weekdayError = issueAt('typeDetails.schedule.weekdays');
  const startError = issueAt('typeDetails.startDate');
  const dates = issueDates(details.startDate, details.schedule, details.plannedIssues);
  const setKind = (kind: 'weekly' | 'interval') =>
    update(
      (d): ColumnDetails => ({ ...d, schedule: kind === 'weekly' ? { kind, weekdays: [1] } : { kind, everyDays: 7 } }),
      undefined,
      (d) => withInput(d, 'course:schedule.everyDays', undefined),
    );
  return (
    <>
      <fieldset className="field">
        <legend id={ids.kind}>{t('courseTypes.column.schedule')}</legend>
        <div className="segmented" role="radiogroup" aria-labelledby={ids.kind}>
          {(['weekly', 'interval'] as const).map((kind) => (
            <label key={kind} className={details.schedule.kind === kind ? 'segment selected' : 'segment'}>
              <input type="radio" name={`${ids.kind}-kind`} checked={details.schedule.kind === kind} onChange={() => setKind(kind)} />
              {t(`courseTypes.column.${kind}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {details.schedule.kind === 'weekly' ? (
        <fieldset className="field">
          <legend>{t('courseTypes.column.weekdays')}</legend>
          <div className="checks inline" aria-describedby={weekdayError ? `${ids.weekdays}-error` : undefined}>
            {[1, 2, 3, 4, 5, 6, 7].map((day) => {
              const on = details.schedule.kind === 'weekly' && details.schedule.weekdays.includes(day);
              return (
                <label key={day} className="check">
                  <input
                    type="checkbox"
                    checked={on}
                    aria-invalid={weekdayError ? true : undefined}
                    onChange={(e) => {
                      const checked = e.target.checked;
                      update((d) => {
                        if (d.schedule.kind !== 'weekly') return d;
                        const weekdays = [1, 2, 3, 4, 5, 6, 7].filter((x) => (x === day ? checked : d.schedule.kind === 'weekly' && d.schedule.weekdays.includes(x)));
                        return { ...d, schedule: { kind: 'weekly', weekdays } };
                      });
                    }}
                  />
                  {t(`courseTypes.column.weekday.${day}`)}
                </label>
              );
            })}
          </div>
          <TypeFieldError id={`${ids.weekdays}-error`} code={weekdayError} />
        </fieldset>
      ) : (
        <WholeInput
          type="column"
          path="schedule.everyDays"
          value={details.schedule.everyDays}
          set={(d, n) => (d.schedule.kind === 'interval' ? { ...d, schedule: { kind: 'interval', everyDays: n } } : d)}
          label={t('courseTypes.column.everyDays')}
        />
      )}
      <WholeInput
        type="column"
        path="plannedIssues"
        value={details.plannedIssues}
        set={(d, n) => ({ ...d, plannedIssues: n })}
        label={t('courseTypes.column.plannedIssues')}
        hint={t('courseTypes.column.progress', { lessons, planned: details.plannedIssues })}
      />
      <Field label={t('courseTypes.column.startDate')} id={ids.start} error={startError}>
        <input
          id={ids.start}
          type="date"
          value={details.startDate}
          aria-invalid={startError ? true : undefined}
          aria-describedby={describedBy(ids.start, startError)}
          onChange={(e) => {
            const startDate = e.target.value;
            update((d) => ({ ...d, startDate }));
          }}
        />
      </Field>
      {dates.length > 0 && <p className="muted hint">{t('courseTypes.column.lastIssue', { date: dates.at(-1) })}</p>}
    </>
  );
}

function CampFields() {
  const { t } = useTranslation();
  const details = useDetails('camp');
  const update = useUpdate('camp');
  const issueAt = useDraftIssueAt();
  const ids = { start: useId(), end: useId(), tasks: useId() };
  const days = inclusiveDays(details.startDate, details.endDate);
  const dateField = (which: 'startDate' | 'endDate', id: string) => {
    const error = issueAt(`typeDetails.${which}`);
    return (
      <Field label={t(`courseTypes.camp.${which}`)} id={id} error={error}>
        <input
          id={id}
          type="date"
          value={details[which]}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error)}
          onChange={(e) => {
            const value = e.target.value;
            update((d): CampDetails => ({ ...d, [which]: value }));
          }}
        />
      </Field>
    );
  };
  const setTask = (index: number, change: Partial<CampDetails['dailyTasks'][number]>, field: string) =>
    update((d) => ({ ...d, dailyTasks: d.dailyTasks.map((task, i) => (i === index ? { ...task, ...change } : task)) }), `type:task:${index}:${field}`);
  return (
    <>
      <div className="type-row">
        {dateField('startDate', ids.start)}
        {dateField('endDate', ids.end)}
      </div>
      {days !== null && <p className="muted hint">{t('courseTypes.camp.days', { count: days })}</p>}
      <fieldset className="field">
        <legend>{t('courseTypes.camp.checkIn')}</legend>
        <WholeInput type="camp" path="checkIn.minCheckIns" value={details.checkIn.minCheckIns} set={(d, n) => ({ ...d, checkIn: { ...d.checkIn, minCheckIns: n } })} label={t('courseTypes.camp.minCheckIns')} />
        <WholeInput type="camp" path="checkIn.makeUpDays" value={details.checkIn.makeUpDays} set={(d, n) => ({ ...d, checkIn: { ...d.checkIn, makeUpDays: n } })} label={t('courseTypes.camp.makeUpDays')} />
        <WholeInput type="camp" path="checkIn.windowHours" value={details.checkIn.windowHours} set={(d, n) => ({ ...d, checkIn: { ...d.checkIn, windowHours: n } })} label={t('courseTypes.camp.windowHours')} />
      </fieldset>
      <section className="camp-tasks" aria-labelledby={ids.tasks}>
        <h3 id={ids.tasks}>{t('courseTypes.camp.tasks')}</h3>
        {details.dailyTasks.length === 0 && <p className="muted hint">{t('courseTypes.camp.noTasks')}</p>}
        <ol>
          {details.dailyTasks.map((task, i) => {
            const day = i + 1;
            const rowError = issueAt(`typeDetails.dailyTasks.${i}`);
            const titleError = issueAt(`typeDetails.dailyTasks.${i}.title`);
            const descError = issueAt(`typeDetails.dailyTasks.${i}.description`);
            const base = `${ids.tasks}-${i}`;
            return (
              <li key={i} className="camp-task">
                <span className="camp-day">{t('courseTypes.camp.day', { day })}</span>
                <input
                  aria-label={t('courseTypes.camp.taskTitle', { day })}
                  value={task.title}
                  aria-invalid={titleError ? true : undefined}
                  aria-describedby={titleError ? `${base}-title-error` : undefined}
                  onChange={(e) => setTask(i, { title: e.target.value }, 'title')}
                />
                <textarea
                  rows={2}
                  aria-label={t('courseTypes.camp.taskDescription', { day })}
                  value={task.description}
                  aria-invalid={descError ? true : undefined}
                  aria-describedby={descError ? `${base}-desc-error` : undefined}
                  onChange={(e) => setTask(i, { description: e.target.value }, 'description')}
                />
                <button
                  type="button"
                  className="icon-button danger"
                  aria-label={t('courseTypes.camp.removeTask', { day })}
                  onClick={() => update((d) => ({ ...d, dailyTasks: d.dailyTasks.filter((_, j) => j !== i) }))}
                >
                  ×
                </button>
                <TypeFieldError id={`${base}-error`} code={rowError} />
                <TypeFieldError id={`${base}-title-error`} code={titleError} />
                <TypeFieldError id={`${base}-desc-error`} code={descError} />
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const day = details.dailyTasks.length + 1;
            update((d) => ({ ...d, dailyTasks: [...d.dailyTasks, { title: t('courseTypes.camp.day', { day }), description: '' }] }));
          }}
        >
          + {t('courseTypes.camp.addTask', { day: details.dailyTasks.length + 1 })}
        </button>
      </section>
    </>
  );
}

