/**
 * The compliance report of one course for a reviewer: a model built from a scan (grouped by severity and category,
 * each finding with where it is, why, the basis, the suggestion and any acknowledgement), rendered as one
 * self-contained, printable HTML file. The PDF renderer (compliance-pdf.ts) draws the same model.
 */
import type { AckEntry, CourseScan, LocatedFinding, PublishState } from '../../../shared/contract/index';
import { CATEGORIES, type Category, type Severity } from '../../../shared/compliance/types';
import type { Course } from '../../../shared/domain/course';
import { CATEGORY_LABELS, FIELD_LABELS, SEVERITY_LABELS, TARGET_LABELS, type Bilingual } from '../../../shared/domain/compliance-labels';
import type { Locale } from '../../../shared/settings';

export interface ReportFinding {
  where: string;
  text: string;
  message: string;
  basis: string;
  suggestion: string | null;
  /** For must-fix findings: who acknowledged it, when and why; null when not acknowledged. */
  acknowledgement: { actor: string; at: string; reason: string } | null;
}

export interface ReportGroup {
  severity: Severity;
  category: Category;
  title: string;
  findings: ReportFinding[];
}

export interface ReportModel {
  locale: Locale;
  lang: 'zh' | 'en';
  t: ReportText;
  courseTitle: string;
  generatedAt: string;
  rulesetVersion: string;
  listsVersion: string;
  courseVersion: number;
  verdict: string;
  allowed: boolean;
  counts: Record<Severity, number>;
  publish: string;
  groups: ReportGroup[];
  trail: Array<{ at: string; actor: string; action: string; where: string; rule: string; text: string; reason: string }>;
}

const ZH = {
  title: '合规检查报告',
  course: '课程',
  generatedAt: '生成时间',
  ruleset: '规则版本',
  lists: '团队词表版本',
  version: '课程版本',
  verdict: '发布检查',
  allowed: '可以发布：没有禁止发布的内容，必须修改的内容均已确认。',
  refused: '不能发布：{{block}} 处禁止发布，{{open}} 处必须修改且尚未确认。',
  publish: '发布状态',
  ready: '已提交发布',
  draft: '草稿',
  withdrawn: '草稿（提交后出现新的问题，已自动撤回）',
  summary: '概览',
  nothing: '没有发现问题。',
  matched: '命中文字',
  why: '原因',
  basis: '依据',
  suggestion: '修改建议',
  ack: '确认情况',
  ackBy: '{{actor}} 于 {{at}} 确认，理由：{{reason}}',
  notAcked: '尚未确认',
  trail: '确认记录',
  trailEmpty: '没有确认记录。',
  action: { ack: '确认', revoke: '撤销确认' },
  columns: { at: '时间', actor: '操作人', action: '操作', where: '位置', rule: '规则', text: '命中文字', reason: '理由' },
  chapter: '第 {{n}} 章「{{title}}」',
  lesson: '第 {{c}} 章第 {{n}} 课时「{{title}}」',
  courseField: '课程',
  removed: '（已删除的{{what}}）',
  groupTitle: '{{title}}（{{n}} 处）',
  colon: '：',
  page: '第 {{n}} 页',
};
type ReportText = typeof ZH;

const EN: ReportText = {
  title: 'Compliance report',
  course: 'Course',
  generatedAt: 'Generated',
  ruleset: 'Rules version',
  lists: 'Team lists version',
  version: 'Course version',
  verdict: 'Publish check',
  allowed: 'Can be published: nothing blocks, and every must-fix finding is acknowledged.',
  refused: 'Cannot be published: {{block}} blocking, {{open}} must-fix not acknowledged.',
  publish: 'Publish state',
  ready: 'Submitted for publishing',
  draft: 'Draft',
  withdrawn: 'Draft (withdrawn automatically: new findings appeared after it was submitted)',
  summary: 'Summary',
  nothing: 'No findings.',
  matched: 'Matched text',
  why: 'Why',
  basis: 'Basis',
  suggestion: 'Suggestion',
  ack: 'Acknowledgement',
  ackBy: 'Acknowledged by {{actor}} at {{at}}: {{reason}}',
  notAcked: 'Not acknowledged',
  trail: 'Acknowledgement trail',
  trailEmpty: 'No acknowledgements.',
  action: { ack: 'Acknowledged', revoke: 'Revoked' },
  columns: { at: 'Time', actor: 'By', action: 'Action', where: 'Where', rule: 'Rule', text: 'Matched text', reason: 'Reason' },
  chapter: 'Chapter {{n}} “{{title}}”',
  lesson: 'Chapter {{c}}, lesson {{n}} “{{title}}”',
  courseField: 'Course',
  removed: '(a deleted {{what}})',
  groupTitle: '{{title}} ({{n}})',
  colon: ': ',
  page: 'Page {{n}}',
};

const TEXT: Record<'zh' | 'en', ReportText> = { zh: ZH, en: EN };

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ''));
}

/** A local, readable time (the host's time zone), e.g. 2024-05-01 08:30. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Names a place in the course the way a reviewer finds it: "第 2 章第 1 课时「…」标题". */
export function describeLocation(
  course: Course,
  loc: { target: LocatedFinding['location']['target']; id: string; field: LocatedFinding['location']['field'] },
  lang: 'zh' | 'en',
): string {
  const t = TEXT[lang];
  const field = FIELD_LABELS[loc.field][lang];
  const sep = lang === 'zh' ? '' : ' — ';
  if (loc.target === 'course') return `${t.courseField}${lang === 'zh' ? '' : ' '}${lang === 'zh' ? field : field.toLowerCase()}`;
  for (const [ci, chapter] of course.chapters.entries()) {
    if (loc.target === 'chapter' && chapter.id === loc.id) return `${fill(t.chapter, { n: ci + 1, title: chapter.title })}${sep}${field}`;
    for (const [li, lesson] of chapter.lessons.entries()) {
      if (loc.target === 'lesson' && lesson.id === loc.id) {
        return `${fill(t.lesson, { c: ci + 1, n: li + 1, title: lesson.title })}${sep}${field}`;
      }
    }
  }
  const what = TARGET_LABELS[loc.target][lang];
  return `${fill(t.removed, { what: lang === 'zh' ? what : what.toLowerCase() })}${sep}${field}`;
}

const SEVERITY_ORDER: Severity[] = ['block', 'must_fix', 'info'];

export function buildReport(input: {
  course: Course;
  scan: CourseScan;
  trail: AckEntry[];
  publish: PublishState;
  locale: Locale;
  generatedAt: Date;
}): ReportModel {
  const { course, scan, locale } = input;
  const lang = locale === 'en-US' ? 'en' : 'zh';
  const t = TEXT[lang];
  const pick = (b: Bilingual) => b[lang];
  const groups: ReportGroup[] = [];
  for (const severity of SEVERITY_ORDER) {
    for (const category of CATEGORIES) {
      const findings = scan.findings.filter((f) => f.severity === severity && f.category === category);
      if (findings.length === 0) continue;
      groups.push({
        severity,
        category,
        title: `${pick(SEVERITY_LABELS[severity])} · ${pick(CATEGORY_LABELS[category])}`,
        findings: findings.map((f) => ({
          where: describeLocation(course, f.location, lang),
          text: f.text,
          message: pick(f.message),
          basis: pick(f.basis),
          suggestion: f.suggestion ? pick(f.suggestion) : null,
          acknowledgement: f.acknowledgement
            ? { actor: f.acknowledgement.actor, at: formatTime(f.acknowledgement.createdAt), reason: f.acknowledgement.reason }
            : null,
        })),
      });
    }
  }
  const counts = { block: 0, must_fix: 0, info: 0 } as Record<Severity, number>;
  for (const f of scan.findings) counts[f.severity]++;
  const publish =
    input.publish.state === 'ready' ? t.ready : input.publish.withdrawnReason === 'findings' ? t.withdrawn : t.draft;
  return {
    locale,
    lang,
    t,
    courseTitle: course.title,
    generatedAt: formatTime(input.generatedAt.toISOString()),
    rulesetVersion: scan.rulesetVersion,
    listsVersion: scan.listsVersion,
    courseVersion: scan.courseVersion,
    allowed: scan.gate.allowed,
    verdict: scan.gate.allowed ? t.allowed : fill(t.refused, { block: scan.gate.blocking.length, open: scan.gate.unacknowledged.length }),
    counts,
    publish,
    groups,
    trail: input.trail.map((a) => ({
      at: formatTime(a.createdAt),
      actor: a.actor,
      action: t.action[a.action],
      where: describeLocation(course, { target: a.target, id: a.targetId, field: a.field }, lang),
      rule: a.rule,
      text: a.text,
      reason: a.reason,
    })),
  };
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
         color: #1f2328; margin: 0 auto; max-width: 860px; padding: 32px 24px; line-height: 1.6; font-size: 14px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
  h3 { font-size: 15px; margin: 20px 0 8px; padding: 4px 10px; border-radius: 4px; }
  .sev-block h3 { background: #ffebe9; color: #a40e26; }
  .sev-must_fix h3 { background: #fff8c5; color: #7d4e00; }
  .sev-info h3 { background: #ddf4ff; color: #0550ae; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; color: #57606a; }
  dl.meta dt { font-weight: 600; }
  dl.meta dd { margin: 0; }
  .verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; }
  .verdict.ok { background: #dafbe1; color: #116329; }
  .verdict.no { background: #ffebe9; color: #a40e26; }
  .counts { display: flex; gap: 16px; margin: 8px 0; }
  .finding { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; margin: 8px 0; break-inside: avoid; }
  .finding .where { font-weight: 600; }
  .finding mark { background: #fff1a8; padding: 0 2px; }
  .finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 0; }
  .finding dt { color: #57606a; }
  .finding dd { margin: 0; overflow-wrap: anywhere; }
  .ack { color: #116329; }
  .open { color: #a40e26; }
  table { width: 100%; border-collapse: collapse; font-size: 12px; }
  th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
  th { background: #f6f8fa; }
  tr { break-inside: avoid; }
  @page { size: A4; margin: 16mm; }
  @media print { body { padding: 0; max-width: none; } h2, h3 { break-after: avoid; } }
`;

/** The whole report as one HTML document: no external resources, no scripts (its own CSP forbids them). */
export function renderReportHtml(model: ReportModel): string {
  const { t } = model;
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    `<html lang="${model.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    // Even if some text escaped escaping, nothing in this file can run or load anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(`${t.title} · ${model.courseTitle}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${e(t.title)}</h1>`,
    `<p><strong>${e(t.course)}${t.colon}</strong>${e(model.courseTitle)}</p>`,
    '<dl class="meta">',
    `<dt>${e(t.generatedAt)}</dt><dd>${e(model.generatedAt)}</dd>`,
    `<dt>${e(t.version)}</dt><dd>${model.courseVersion}</dd>`,
    `<dt>${e(t.ruleset)}</dt><dd>${e(model.rulesetVersion)}</dd>`,
    `<dt>${e(t.lists)}</dt><dd>${e(model.listsVersion)}</dd>`,
    `<dt>${e(t.publish)}</dt><dd>${e(model.publish)}</dd>`,
    '</dl>',
    `<p class="verdict ${model.allowed ? 'ok' : 'no'}">${e(model.verdict)}</p>`,
    `<h2>${e(t.summary)}</h2>`,
    '<p class="counts">',
    ...SEVERITY_ORDER.map((s) => `<span>${e(SEVERITY_LABELS[s][model.lang])}${t.colon}${model.counts[s]}</span>`),
    '</p>',
  );
  if (model.groups.length === 0) parts.push(`<p>${e(t.nothing)}</p>`);
  for (const group of model.groups) {
    parts.push(`<section class="sev-${group.severity}" data-category="${group.category}">`);
    parts.push(`<h3>${e(fill(t.groupTitle, { title: group.title, n: group.findings.length }))}</h3>`);
    for (const f of group.findings) {
      parts.push('<article class="finding">', `<div class="where">${e(f.where)}</div>`, '<dl>');
      parts.push(`<dt>${e(t.matched)}</dt><dd><mark>${e(f.text)}</mark></dd>`);
      parts.push(`<dt>${e(t.why)}</dt><dd>${e(f.message)}</dd>`);
      parts.push(`<dt>${e(t.basis)}</dt><dd>${e(f.basis)}</dd>`);
      if (f.suggestion !== null) parts.push(`<dt>${e(t.suggestion)}</dt><dd>${e(f.suggestion)}</dd>`);
      if (group.severity === 'must_fix') {
        parts.push(
          f.acknowledgement
            ? `<dt>${e(t.ack)}</dt><dd class="ack">${e(fill(t.ackBy, f.acknowledgement))}</dd>`
            : `<dt>${e(t.ack)}</dt><dd class="open">${e(t.notAcked)}</dd>`,
        );
      }
      parts.push('</dl>', '</article>');
    }
    parts.push('</section>');
  }
  parts.push(`<h2>${e(t.trail)}</h2>`);
  if (model.trail.length === 0) parts.push(`<p>${e(t.trailEmpty)}</p>`);
  else {
    const c = t.columns;
    parts.push(
      '<table>',
      `<thead><tr><th>${e(c.at)}</th><th>${e(c.actor)}</th><th>${e(c.action)}</th><th>${e(c.where)}</th><th>${e(c.rule)}</th><th>${e(c.text)}</th><th>${e(c.reason)}</th></tr></thead>`,
      '<tbody>',
      ...model.trail.map(
        (r) =>
          `<tr><td>${e(r.at)}</td><td>${e(r.actor)}</td><td>${e(r.action)}</td><td>${e(r.where)}</td><td>${e(r.rule)}</td><td>${e(r.text)}</td><td>${e(r.reason)}</td></tr>`,
      ),
      '</tbody>',
      '</table>',
    );
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

/** A file name from the course title: no path separators or characters Windows refuses, and not too long. */
export function reportFileName(courseTitle: string, lang: 'zh' | 'en', ext: 'html' | 'pdf', date: Date): string {
  // eslint-disable-next-line no-control-regex
  const safe = courseTitle.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').trim().slice(0, 60) || 'course';
  const day = date.toISOString().slice(0, 10);
  return `${lang === 'zh' ? '合规报告' : 'compliance-report'}-${safe}-${day}.${ext}`;
}
