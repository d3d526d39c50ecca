/**
 * A large, realistic workspace for the benchmarks: courses with Chinese titles, varied types, prices and timestamps,
 * each with an outline of chapters and lessons. Generated from a fixed seed, so every run measures the same data.
 * The database is opened through `openWorkspaceDatabase`, so the real schema, migrations and pragmas apply; rows are
 * then inserted with plain SQL in one transaction (going through the contract would take minutes and measure nothing).
 */
import { openWorkspaceDatabase } from '../../electron/studio/store/database';
import { SearchIndex } from '../../electron/studio/services/search';
import { COURSE_TYPES, type CourseType } from '../../shared/domain/course';
import { prng } from '../helpers/prng';

export interface DatasetShape {
  courses: number;
  chaptersPerCourse: number;
  lessonsPerChapter: number;
}

export interface DatasetSummary {
  courses: number;
  deletedCourses: number;
  chapters: number;
  lessons: number;
  /** Titles that contain `SEARCH_HIT` (live courses only). */
  searchHits: number;
}

/** A word some titles contain (one topic in the list below), and one that none does. */
export const SEARCH_HIT = '摄影';
export const SEARCH_MISS = '量子纠缠';


const TOPICS = [
  '短视频运营', '公众号写作', '摄影构图', '手机摄影', 'Python 编程', 'Excel 数据分析', '理财入门', '英语口语',
  '育儿心理学', '小红书涨粉', '产品经理', '职场沟通', '时间管理', '健身减脂', '家常菜烹饪', '书法临帖', '吉他弹唱',
  '考研数学', '雅思写作', '私域流量', '直播带货', '读书方法', '亲子阅读', '中医养生', '水彩插画', '视频剪辑',
  '人像摄影后期', '演讲表达', '古诗词鉴赏', '投资理财进阶',
];
const PREFIXES = ['', '零基础', '30天', '7天', '从入门到精通：', '实战派', '一看就会的', '高手进阶：', '2026 新版', '给忙碌者的'];
const SUFFIXES = ['训练营', '系统课', '精品课', '21讲', '全攻略', '必修课', '小白课', '大师课', '直播课', '专栏'];
const CHAPTER_NAMES = ['基础概念', '核心方法', '实战案例', '进阶技巧', '常见误区', '工具与资源', '复盘与答疑', '拓展阅读'];
const LESSON_PHRASES = [
  '为什么大多数人一开始就做错了', '三个步骤建立你的第一套流程', '如何判断效果好不好', '从一个真实案例拆解',
  '新手最容易忽略的细节', '一张清单帮你查漏补缺', '把方法变成每天的习惯', '常用工具的正确打开方式',
  '答疑：学员最常问的 5 个问题', '进阶：效率翻倍的小技巧', '复盘：这一章你学到了什么', '课后练习与作业讲解',
];
const SUMMARY_SENTENCES = [
  '本课程面向零基础学员，循序渐进。', '每节课 10 到 20 分钟，通勤路上也能学完。', '配套讲义与课后练习，学完即可上手。',
  '讲师拥有十年一线经验，案例全部来自真实项目。', '加入学员群，每周一次直播答疑。', '已有上万名学员完成学习。',
  '课程内容持续更新，一次购买永久有效。', '适合想要系统提升的职场人士。',
];
const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const PRICES = [990, 1990, 2990, 4990, 9900, 9900, 19900, 29900, 39900, 69900, 99900, 199900];
/** Weights per course type, in COURSE_TYPES order: article, audio, video, live, column, camp. */
const TYPE_WEIGHTS = [25, 20, 30, 10, 10, 5];

export function generateWorkspace(dataDir: string, shape: DatasetShape, seed = 20_260_601): DatasetSummary {
  const opened = openWorkspaceDatabase(dataDir);
  if (opened.state !== 'ready') throw new Error(`could not open a fresh workspace in ${dataDir}: ${opened.state}`);
  const db = opened.db;
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const id = (): string => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const typeOf = (): CourseType => {
    let r = random() * TYPE_WEIGHTS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < COURSE_TYPES.length; i++) {
      r -= TYPE_WEIGHTS[i]!;
      if (r < 0) return COURSE_TYPES[i]!;
    }
    return 'article';
  };

  const insertCourse = db.prepare(
    `INSERT INTO courses (id, title, type, price_fen, summary, cover_hash, version, created_at, updated_at, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertChapter = db.prepare('INSERT INTO chapters (id, course_id, title, position) VALUES (?, ?, ?, ?)');
  const insertLesson = db.prepare('INSERT INTO lessons (id, course_id, chapter_id, title, position) VALUES (?, ?, ?, ?, ?)');

  const summary: DatasetSummary = { courses: 0, deletedCourses: 0, chapters: 0, lessons: 0, searchHits: 0 };
  const start = Date.UTC(2023, 0, 1);
  const end = Date.UTC(2026, 5, 1);
  const day = 86_400_000;

  db.transaction(() => {
    for (let c = 0; c < shape.courses; c++) {
      const courseId = id();
      const title = `${pick(PREFIXES)}${pick(TOPICS)}${pick(SUFFIXES)}`;
      const created = start + Math.floor(random() * (end - start - 30 * day));
      // Edited up to 200 days after creation, never after `end`: no two courses share a timestamp by construction.
      const updated = created + Math.floor(random() * Math.min(200 * day, end - created));
      const deleted = random() < 0.02 ? new Date(updated + Math.floor(random() * (end - updated))).toISOString() : null;
      const price = random() < 0.15 ? 0 : random() < 0.9 ? pick(PRICES) : 100 + Math.floor(random() * 50_000);
      const cover = random() < 0.4 ? Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('') : null;
      const text = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SUMMARY_SENTENCES)).join('');
      insertCourse.run(courseId, title, typeOf(), price, text, cover, 1 + Math.floor(random() * 40),
        new Date(created).toISOString(), new Date(updated).toISOString(), deleted);
      summary.courses++;
      if (deleted) summary.deletedCourses++;
      else if (title.includes(SEARCH_HIT)) summary.searchHits++;

      let lessonNo = 0;
      for (let ch = 0; ch < shape.chaptersPerCourse; ch++) {
        const chapterId = id();
        insertChapter.run(chapterId, courseId, `第${CN_NUM[ch % 10]}章 ${pick(CHAPTER_NAMES)}`, ch);
        summary.chapters++;
        for (let l = 0; l < shape.lessonsPerChapter; l++) {
          insertLesson.run(id(), courseId, chapterId, `第${++lessonNo}讲｜${pick(LESSON_PHRASES)}`, l);
          summary.lessons++;
        }
      }
    }
  })();
  // The rows above bypassed CourseService, which indexes every save: index them in bulk.
  new SearchIndex(db).rebuildFromTables();

  // Fold the WAL into the main file, so the size reported is the database's and the first host starts clean.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return summary;
}
