/**
 * A course as one WeChat article (draft/add `content`, wechat-protocols.md §6.3): each chapter's title as a heading,
 * each lesson's title and its body (already in the WeChat subset, see schema.ts) in outline order. Lessons without a
 * body still get their title, so the article shows the whole outline. Pure, so the preview and the host agree.
 */

/** draft/add: a title has at most 32 characters (current doc, §6.3). */
export const ARTICLE_TITLE_MAX = 32;
/** draft/add: a digest has at most 128 characters; we stop well before, at a whole character. */
export const ARTICLE_DIGEST_MAX = 120;

/** What the article needs of a course. */
export interface ArticleCourse {
  chapters: { id: string; title: string; lessons: { id: string; title: string }[] }[];
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The article HTML of a course from its lesson bodies (lesson id → body HTML). */
export function articleHtml(course: ArticleCourse, bodies: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const chapter of course.chapters) {
    parts.push(`<h2>${escapeText(chapter.title)}</h2>`);
    for (const lesson of chapter.lessons) {
      parts.push(`<h3>${escapeText(lesson.title)}</h3>`);
      const body = bodies.get(lesson.id);
      if (body) parts.push(body);
    }
  }
  return parts.join('\n');
}

/** The article's digest from the course summary: whitespace collapsed, cut at ARTICLE_DIGEST_MAX characters. */
export function digestOf(summary: string): string {
  const chars = [...summary.replace(/\s+/g, ' ').trim()];
  return chars.length <= ARTICLE_DIGEST_MAX ? chars.join('') : `${chars.slice(0, ARTICLE_DIGEST_MAX - 1).join('')}…`;
}
