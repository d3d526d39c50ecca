import { ImportPackageButton } from '../packages/PackageButtons';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { COURSE_SORTS, type CourseSort, type CourseSummary } from '../../../../shared/contract/index';
import { formatPrice } from '../../../../shared/domain/course';
import { useApp, useCourseList, useStores } from '../../app/stores';

export function CourseList() {
  const { t } = useTranslation();
  const { courses } = useStores();
  const { query, sort, items, total, loaded, loading, error } = useCourseList(
    useShallow((s) => ({ query: s.query, sort: s.sort, items: s.items, total: s.total, loaded: s.loaded, loading: s.loading, error: s.error })),
  );
  const navigate = useApp((s) => s.navigate);
  const [creating, setCreating] = useState(false);
  const searchId = useId();
  const sortId = useId();

  useEffect(() => {
    void courses.getState().load();
  }, [courses]);

  const createCourse = async () => {
    setCreating(true);
    try {
      const course = await courses.getState().create(t('courses.untitled'));
      navigate({ name: 'course', id: course.id });
    } finally {
      setCreating(false);
    }
  };

  const trimmed = query.trim();
  return (
    <main className="page" aria-labelledby="courses-title">
      <header className="page-header">
        <h1 id="courses-title">{t('courses.title')}</h1>
        <button type="button" className="primary" onClick={() => void createCourse()} disabled={creating}>
          {t('courses.new')}
        </button>
        <ImportPackageButton />
      </header>
      <div className="toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          {t('courses.search')}
        </label>
        <input
          id={searchId}
          type="search"
          className="search"
          placeholder={t('courses.search')}
          value={query}
          onChange={(e) => courses.getState().setQuery(e.target.value)}
        />
        <label htmlFor={sortId}>{t('courses.sort')}</label>
        <select id={sortId} value={sort} onChange={(e) => courses.getState().setSort(e.target.value as CourseSort)}>
          {COURSE_SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`courses.sorts.${s}`)}
            </option>
          ))}
        </select>
        {loaded && total > 0 && <span className="muted">{t('courses.count', { count: total })}</span>}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      {loaded && total === 0 && !trimmed && (
        <section className="empty" aria-labelledby="empty-title">
          <h2 id="empty-title">{t('courses.emptyTitle')}</h2>
          <p>{t('courses.emptyBody')}</p>
          <button type="button" className="primary" onClick={() => void createCourse()} disabled={creating}>
            {t('courses.new')}
          </button>
        </section>
      )}
      {loaded && total === 0 && trimmed && <p className="empty muted">{t('courses.noMatch', { query: trimmed })}</p>}
      {items.length > 0 && (
        <ul className="course-list" aria-label={t('courses.title')}>
          {items.map((course) => (
            <CourseRow key={course.id} course={course} />
          ))}
        </ul>
      )}
      {items.length < total && (
        <button type="button" className="secondary load-more" disabled={loading} onClick={() => void courses.getState().loadMore()}>
          {t('courses.loadMore')}
        </button>
      )}
    </main>
  );
}

function CourseRow({ course }: { course: CourseSummary }) {
  const { t, i18n } = useTranslation();
  const { client, courses } = useStores();
  const navigate = useApp((s) => s.navigate);
  const showToast = useApp((s) => s.showToast);
  const updated = new Date(course.updatedAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  const remove = async () => {
    await courses.getState().remove(course.id);
    showToast({
      message: t('courses.deleted', { title: course.title }),
      actionLabel: t('editor.undo'),
      action: () => void courses.getState().restore(course.id),
    });
  };

  return (
    <li className="course-row">
      <button
        type="button"
        className="course-open"
        aria-label={t('courses.open', { title: course.title })}
        onClick={() => navigate({ name: 'course', id: course.id })}
      >
        <span className="cover-thumb" aria-hidden="true">
          {course.coverHash ? <img src={client.mediaUrl(course.coverHash)} alt="" /> : <span>{t(`courseType.${course.type}`)}</span>}
        </span>
        <span className="course-main">
          <span className="course-title">{course.title}</span>
          <span className="muted">
            <span className="badge">{t(`courseType.${course.type}`)}</span>{' '}
            {t('courses.outlineCount', { chapters: course.chapterCount, lessons: course.lessonCount })} ·{' '}
            {t('courses.updated', { time: updated })}
          </span>
        </span>
        <span className="price">{course.priceFen === 0 ? t('courses.free') : formatPrice(course.priceFen)}</span>
      </button>
      <button type="button" className="icon-button danger" aria-label={t('courses.delete', { title: course.title })} onClick={() => void remove()}>
        🗑
      </button>
    </li>
  );
}
