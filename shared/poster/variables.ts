/**
 * Poster variables: `{{nickname}}` in a text element is replaced by the person's value at export (one poster per row
 * of a batch) and by the document's sample value in the editor. `avatar` is an image variable (an image element whose
 * source is `{ kind: 'avatar' }`), `inviteCode` also personalises the tracking QR.
 */
export const POSTER_VARIABLES = ['nickname', 'avatar', 'streakDays', 'courseTitle', 'price', 'inviteCode', 'todayLesson', 'date'] as const;
export type PosterVariable = (typeof POSTER_VARIABLES)[number];

/** Column headings a CSV may use for each variable, Chinese and English (matched case-insensitively, trimmed). */
export const VARIABLE_HEADERS: Record<PosterVariable, readonly string[]> = {
  nickname: ['nickname', '昵称', '姓名', '名字', 'name'],
  avatar: ['avatar', '头像'],
  streakDays: ['streakdays', '打卡天数', '连续打卡天数', '天数'],
  courseTitle: ['coursetitle', '课程', '课程名称', '课程标题'],
  price: ['price', '价格', '售价'],
  inviteCode: ['invitecode', '邀请码'],
  todayLesson: ['todaylesson', '今日课程', '今日课节', '今天学习'],
  date: ['date', '日期'],
};

const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a text uses, in order of first use. */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** Replaces every `{{name}}` with its value; a name without a value becomes empty text. */
export function substitute(text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(VARIABLE, (_, name: string) => values[name] ?? '');
}

/** The variable a CSV heading stands for, or null (other columns are kept as extra variables under their own name). */
export function variableForHeader(header: string): PosterVariable | null {
  const h = header.trim().toLowerCase().replace(/[\s_-]+/g, '');
  for (const v of POSTER_VARIABLES) if (VARIABLE_HEADERS[v].includes(h)) return v;
  return null;
}
