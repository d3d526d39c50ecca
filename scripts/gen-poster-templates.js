// Generates resources/posters/templates.json: the share-poster templates (course, 学习打卡 check-in, invitation), three
// designs of each, each in 1080×1920 and 1080×1440. A design is a function of the poster height, so both sizes are
// laid out from one description; colours refer to the brand kit (`brand.primary` …) so templates pick it up.
// The check-in designs invite no sharing at all (compliance-rules.md §4 induce_share): no share prompt, no reward.
// Run: node scripts/gen-poster-templates.js
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, 'resources', 'posters', 'templates.json');
const W = 1080;

const base = (id, name, x, y, width, height) => ({ id, name, x, y, width, height, rotation: 0, opacity: 1, locked: false, hidden: false, groupId: null });
const text = (id, name, x, y, width, height, value, o = {}) => ({
  ...base(id, name, x, y, width, height),
  type: 'text',
  text: value,
  fontSize: o.size ?? 48,
  fontWeight: o.weight ?? 'regular',
  lineHeight: o.lineHeight ?? 1.4,
  color: o.color ?? 'brand.text',
  align: o.align ?? 'left',
  verticalAlign: o.valign ?? 'top',
  autoFit: o.autoFit ?? false,
  minFontSize: o.min ?? 24,
});
const rect = (id, name, x, y, width, height, fill, o = {}) => ({
  ...base(id, name, x, y, width, height),
  type: 'shape',
  shape: o.shape ?? 'rect',
  fill,
  fill2: o.fill2 ?? null,
  stroke: o.stroke ?? null,
  strokeWidth: o.strokeWidth ?? 0,
  radius: o.radius ?? 0,
});
const avatar = (id, x, y, size) => ({
  ...base(id, '头像', x, y, size, size),
  type: 'image',
  source: { kind: 'avatar' },
  crop: null,
  mask: 'circle',
  radius: 0,
  placeholder: '#D9D9D9',
});
const logo = (id, x, y, w, h) => ({ ...base(id, '品牌标志', x, y, w, h), type: 'image', source: { kind: 'brandLogo' }, crop: null, mask: 'rounded', radius: 16, placeholder: '#00000000' });
const qr = (id, x, y, size, o = {}) => ({
  ...base(id, '二维码', x, y, size, size),
  type: 'qr',
  content: { kind: 'tracking' },
  errorCorrection: o.ecc ?? 'M',
  foreground: o.fg ?? '#111111',
  background: o.bg ?? '#FFFFFF',
});
const grouped = (groupId, ...els) => els.map((e) => ({ ...e, groupId }));

const SAMPLES = {
  nickname: '小明',
  courseTitle: '21 天写作训练营：从零写出好文章',
  price: '¥99',
  inviteCode: 'XM2026',
  streakDays: '12',
  todayLesson: '第 12 课 · 如何写一个好开头',
  date: '2026年11月27日',
};

/** Each design: (H) => elements; `bg` the poster background. */
const DESIGNS = {
  course: [
    {
      id: 'course-bold',
      name: { 'zh-CN': '课程 · 醒目大标题', 'en-US': 'Course · bold title' },
      bg: 'brand.background',
      elements: (H) => [
        rect('hero', '头图底色', 0, 0, W, H * 0.52, 'brand.primary', { fill2: 'brand.accent' }),
        logo('logo', 72, 72, 120, 120),
        text('tag', '标签', 72, H * 0.14, 400, 60, '精品课程', { size: 40, color: '#FFFFFF', weight: 'bold' }),
        text('title', '课程标题', 72, H * 0.2, W - 144, H * 0.22, '{{courseTitle}}', { size: 96, weight: 'bold', color: '#FFFFFF', autoFit: true, min: 48, lineHeight: 1.25 }),
        text('price', '价格', 72, H * 0.56, 500, 110, '{{price}}', { size: 88, weight: 'bold', color: 'brand.primary' }),
        text('points', '课程亮点', 72, H * 0.64, W - 144, H * 0.16, '系统讲解 · 每日练习 · 老师点评\n随时回看，学完还能反复复习', { size: 40, lineHeight: 1.6, color: 'brand.text' }),
        ...grouped('g-qr', qr('qr', W - 72 - 260, H - 72 - 260, 260), text('qr-hint', '扫码提示', 72, H - 72 - 180, 600, 140, '长按识别二维码\n了解课程详情', { size: 40, lineHeight: 1.5, color: 'brand.secondary' })),
      ],
    },
    {
      id: 'course-card',
      name: { 'zh-CN': '课程 · 白色卡片', 'en-US': 'Course · white card' },
      bg: 'brand.secondary',
      elements: (H) => [
        rect('card', '卡片', 60, 120, W - 120, H - 240, '#FFFFFF', { radius: 36 }),
        logo('logo', 120, 180, 96, 96),
        text('title', '课程标题', 120, 320, W - 240, H * 0.2, '{{courseTitle}}', { size: 80, weight: 'bold', autoFit: true, min: 40, lineHeight: 1.3 }),
        rect('rule', '分隔线', 120, 340 + H * 0.2, 160, 10, 'brand.primary', { radius: 5 }),
        text('points', '课程亮点', 120, 390 + H * 0.2, W - 240, H * 0.2, '跟着老师一步一步练\n每节课都有作业和讲评', { size: 42, lineHeight: 1.6, color: '#5C6370' }),
        text('price', '价格', 120, H - 520, 480, 100, '{{price}}', { size: 76, weight: 'bold', color: 'brand.primary' }),
        text('recommend', '推荐人', 120, H - 400, 560, 60, '{{nickname}} 推荐', { size: 36, color: '#5C6370' }),
        qr('qr', W - 120 - 240, H - 200 - 240, 240),
      ],
    },
    {
      id: 'course-dark',
      name: { 'zh-CN': '课程 · 深色质感', 'en-US': 'Course · dark' },
      bg: '#14161A',
      elements: (H) => [
        rect('glow', '光晕', -200, -200, 900, 900, 'brand.primary', { shape: 'ellipse' }),
        rect('shade', '遮罩', 0, 0, W, H, '#14161ACC'),
        text('tag', '标签', 80, H * 0.1, 600, 60, 'NEW COURSE · 新课上线', { size: 36, color: 'brand.accent', weight: 'bold' }),
        text('title', '课程标题', 80, H * 0.16, W - 160, H * 0.26, '{{courseTitle}}', { size: 100, weight: 'bold', color: '#FFFFFF', autoFit: true, min: 48, lineHeight: 1.2 }),
        text('points', '课程亮点', 80, H * 0.48, W - 160, H * 0.18, '理论讲透，方法讲清\n配套练习与答疑', { size: 44, lineHeight: 1.6, color: '#C9CDD4' }),
        rect('price-bg', '价格底', 80, H - 380, 420, 120, 'brand.primary', { radius: 60 }),
        text('price', '价格', 80, H - 380, 420, 120, '{{price}}', { size: 64, weight: 'bold', color: '#FFFFFF', align: 'center', valign: 'middle' }),
        qr('qr', W - 80 - 280, H - 80 - 280, 280),
      ],
    },
  ],
  checkin: [
    {
      id: 'checkin-streak',
      name: { 'zh-CN': '打卡 · 连续天数', 'en-US': 'Check-in · streak' },
      bg: 'brand.background',
      elements: (H) => [
        avatar('avatar', 72, 96, 140),
        text('name', '昵称', 240, 110, 600, 60, '{{nickname}}', { size: 44, weight: 'bold' }),
        text('date', '日期', 240, 170, 600, 50, '{{date}}', { size: 32, color: '#8A8F99' }),
        text('label', '打卡说明', 72, H * 0.2, W - 144, 70, '今天是我坚持学习的第', { size: 48, align: 'center', color: 'brand.secondary' }),
        text('days', '天数', 72, H * 0.2 + 80, W - 144, 320, '{{streakDays}}', { size: 280, weight: 'bold', align: 'center', color: 'brand.primary', lineHeight: 1.1 }),
        text('unit', '天', 72, H * 0.2 + 400, W - 144, 80, '天', { size: 56, align: 'center', color: 'brand.secondary' }),
        rect('lesson-bg', '今日课程底', 72, H * 0.55, W - 144, 200, '#FFFFFF', { radius: 28 }),
        text('lesson', '今日课程', 112, H * 0.55 + 30, W - 224, 140, '今日学习：{{todayLesson}}', { size: 40, lineHeight: 1.5, autoFit: true, min: 28, valign: 'middle' }),
        text('course', '课程', 72, H - 280, 640, 120, '{{courseTitle}}', { size: 36, lineHeight: 1.5, color: '#8A8F99', autoFit: true, min: 24 }),
        qr('qr', W - 72 - 200, H - 72 - 200, 200),
      ],
    },
    {
      id: 'checkin-calendar',
      name: { 'zh-CN': '打卡 · 日历卡片', 'en-US': 'Check-in · calendar' },
      bg: 'brand.primary',
      elements: (H) => [
        rect('card', '卡片', 60, 160, W - 120, H - 320, '#FFFFFF', { radius: 40 }),
        rect('band', '日期条', 60, 160, W - 120, 180, 'brand.secondary', { radius: 40 }),
        text('date', '日期', 100, 200, W - 200, 100, '{{date}} · 学习打卡', { size: 48, weight: 'bold', color: '#FFFFFF', valign: 'middle' }),
        avatar('avatar', W / 2 - 90, 400, 180),
        text('name', '昵称', 100, 600, W - 200, 70, '{{nickname}}', { size: 48, weight: 'bold', align: 'center' }),
        text('days', '连续天数', 100, 700, W - 200, 120, '已连续学习 {{streakDays}} 天', { size: 64, weight: 'bold', align: 'center', color: 'brand.primary' }),
        text('lesson', '今日课程', 140, 860, W - 280, H - 1300, '今天学完了「{{todayLesson}}」', { size: 40, lineHeight: 1.6, align: 'center', autoFit: true, min: 28 }),
        qr('qr', W / 2 - 110, H - 420, 220),
      ],
    },
    {
      id: 'checkin-minimal',
      name: { 'zh-CN': '打卡 · 极简', 'en-US': 'Check-in · minimal' },
      bg: '#FFFFFF',
      elements: (H) => [
        rect('bar', '色条', 0, 0, 24, H, 'brand.primary'),
        text('big', '天数', 96, H * 0.12, W - 192, 360, 'Day {{streakDays}}', { size: 180, weight: 'bold', color: 'brand.secondary', lineHeight: 1.1 }),
        text('lesson', '今日课程', 96, H * 0.12 + 400, W - 192, H * 0.25, '{{todayLesson}}', { size: 56, lineHeight: 1.4, autoFit: true, min: 32 }),
        rect('rule', '分隔线', 96, H * 0.62, 120, 8, 'brand.accent'),
        ...grouped('g-who', avatar('avatar', 96, H * 0.66, 120), text('name', '昵称', 240, H * 0.66 + 10, 600, 60, '{{nickname}}', { size: 44, weight: 'bold' }), text('date', '日期', 240, H * 0.66 + 70, 600, 50, '{{date}}', { size: 32, color: '#8A8F99' })),
        qr('qr', W - 96 - 200, H - 96 - 200, 200),
      ],
    },
  ],
  invite: [
    {
      id: 'invite-warm',
      name: { 'zh-CN': '邀请 · 暖色', 'en-US': 'Invitation · warm' },
      bg: 'brand.background',
      elements: (H) => [
        rect('top', '顶部色块', 0, 0, W, H * 0.36, 'brand.primary', { fill2: 'brand.accent' }),
        avatar('avatar', W / 2 - 100, H * 0.36 - 100, 200),
        text('who', '邀请人', 72, H * 0.36 + 130, W - 144, 80, '{{nickname}} 邀请你一起学习', { size: 52, weight: 'bold', align: 'center' }),
        text('title', '课程标题', 72, H * 0.36 + 240, W - 144, H * 0.16, '{{courseTitle}}', { size: 64, weight: 'bold', align: 'center', color: 'brand.primary', autoFit: true, min: 36, lineHeight: 1.3 }),
        qr('qr', W / 2 - 150, H - 520, 300),
        text('hint', '扫码提示', 72, H - 200, W - 144, 60, '长按识别二维码，查看课程', { size: 36, align: 'center', color: '#8A8F99' }),
        text('code', '邀请码', 72, H - 130, W - 144, 50, '邀请码 {{inviteCode}}', { size: 30, align: 'center', color: '#8A8F99' }),
      ],
    },
    {
      id: 'invite-ticket',
      name: { 'zh-CN': '邀请 · 入场券', 'en-US': 'Invitation · ticket' },
      bg: 'brand.secondary',
      elements: (H) => [
        rect('ticket', '票面', 80, 200, W - 160, H - 400, '#FFFFFF', { radius: 32 }),
        text('head', '标题', 140, 260, W - 280, 90, '学习邀请函', { size: 72, weight: 'bold', color: 'brand.secondary' }),
        ...grouped('g-who', avatar('avatar', 140, 400, 120), text('who', '邀请人', 290, 420, W - 430, 80, '{{nickname}} 诚邀你加入', { size: 44, weight: 'bold', valign: 'middle' })),
        text('title', '课程标题', 140, 580, W - 280, H - 1200, '{{courseTitle}}', { size: 60, weight: 'bold', lineHeight: 1.35, autoFit: true, min: 32 }),
        rect('cut', '裁切线', 140, H - 600, W - 280, 4, '#E5E6EB'),
        qr('qr', 140, H - 560, 260),
        text('code', '邀请码', 440, H - 520, W - 580, 140, '邀请码\n{{inviteCode}}', { size: 44, lineHeight: 1.5, weight: 'bold', color: 'brand.primary' }),
      ],
    },
    {
      id: 'invite-photo',
      name: { 'zh-CN': '邀请 · 头像大图', 'en-US': 'Invitation · big avatar' },
      bg: '#FFFFFF',
      elements: (H) => [
        { ...avatar('avatar', 0, 0, W), height: H * 0.5, mask: 'rect' },
        rect('fade', '渐变', 0, H * 0.3, W, H * 0.2, '#FFFFFF00', { fill2: '#FFFFFF' }),
        text('who', '邀请人', 72, H * 0.52, W - 144, 80, '我是 {{nickname}}', { size: 56, weight: 'bold' }),
        text('title', '课程标题', 72, H * 0.52 + 100, W - 144, H * 0.18, '我在学「{{courseTitle}}」，一起来吧', { size: 48, lineHeight: 1.45, autoFit: true, min: 30 }),
        qr('qr', W - 72 - 240, H - 72 - 240, 240),
        text('code', '邀请码', 72, H - 72 - 80, 600, 60, '邀请码 {{inviteCode}}', { size: 36, color: '#8A8F99' }),
      ],
    },
  ],
};

const round = (el) => ({ ...el, x: Math.round(el.x), y: Math.round(el.y), width: Math.round(el.width), height: Math.round(el.height) });
const templates = [];
for (const [kind, designs] of Object.entries(DESIGNS)) {
  for (const design of designs) {
    for (const H of [1920, 1440]) {
      templates.push({
        id: `${design.id}-${W}x${H}`,
        design: design.id,
        kind,
        name: design.name,
        document: { schemaVersion: 1, kind, width: W, height: H, background: design.bg, elements: design.elements(H).map(round), sampleValues: SAMPLES },
      });
    }
  }
}
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, `${JSON.stringify({ schemaVersion: 1, generatedBy: 'scripts/gen-poster-templates.js', templates }, null, 1)}\n`);
console.log(`${path.relative(root, output)}: ${templates.length} templates`);
