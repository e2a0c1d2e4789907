import type { Curriculum } from "../curriculum/types.js";
import type { DashboardInput } from "./dashboard.js";
import { fmtInt, fmtPct } from "./format.js";
import { esc, table, td } from "./html.js";
import type { Figures, LessonRetention, QuestionStats, Share } from "./ports.js";

// What learners kept, per lesson and per track: first-try accuracy, accuracy when a question is asked again at least
// one and seven days after its first answer (reviews and track tests), and learners past the mastery criterion — the
// figure a programme should report beside its completions. Shared by the dashboard and lessons.csv.

export interface Retention {
  firstTry: Share;
  after1: Share;
  after7: Share;
  learners: number;
  mastered: number;
}

const add = (a: Share, b: Share): Share => ({ answered: a.answered + b.answered, right: a.right + b.right });
const none = (): Retention => ({
  firstTry: { answered: 0, right: 0 },
  after1: { answered: 0, right: 0 },
  after7: { answered: 0, right: 0 },
  learners: 0,
  mastered: 0,
});

/** One lesson's figures from its questions' first answers and its delayed answers. */
export function lessonFigures(quiz: readonly QuestionStats[], r: LessonRetention | undefined): Retention {
  const firstTry = quiz.reduce<Share>((t, s) => add(t, s), { answered: 0, right: 0 });
  return r ? { firstTry, after1: r.after1, after7: r.after7, learners: r.learners, mastered: r.mastered } : { ...none(), firstTry };
}

/** A track's figures: its lessons' answers added up; mastery counted per lesson and learner. */
export function sumFigures(rows: readonly Retention[]): Retention {
  return rows.reduce(
    (t, r) => ({
      firstTry: add(t.firstTry, r.firstTry),
      after1: add(t.after1, r.after1),
      after7: add(t.after7, r.after7),
      learners: t.learners + r.learners,
      mastered: t.mastered + r.mastered,
    }),
    none(),
  );
}

const share = (s: Share) =>
  s.answered ? `${esc(fmtPct(s.right, s.answered))} <span class="muted">(${esc(fmtInt(s.right))}/${esc(fmtInt(s.answered))})</span>` : "–";
const masteredCell = (r: Retention) => (r.learners ? `${esc(fmtInt(r.mastered))}/${esc(fmtInt(r.learners))}` : "–");
const hasData = (r: Retention) => r.firstTry.answered + r.after1.answered + r.learners > 0;

export function retentionSection(input: DashboardInput, figures: Figures): string {
  const rows = byTrack(input.curriculum, figures).flatMap(({ title, total, lessons }) => [
    `<tr>${td(`<b>${esc(title)}</b>`)}${td(share(total.firstTry), true)}${td(share(total.after1), true)}${td(share(total.after7), true)}${td(masteredCell(total), true)}</tr>`,
    ...lessons
      .filter((l) => hasData(l.figures))
      .map(
        (l) =>
          `<tr>${td(`&nbsp;&nbsp;${esc(l.title)}`)}${td(share(l.figures.firstTry), true)}${td(share(l.figures.after1), true)}${td(share(l.figures.after7), true)}${td(masteredCell(l.figures), true)}</tr>`,
      ),
  ]);
  return `<section class="card" id="nho-lau"><h2>Nhớ lâu: trả lời đúng khi được hỏi lại</h2>
<p class="muted">Câu hỏi được hỏi lại khi ôn tập hoặc trong bài kiểm tra cuối chủ đề, ít nhất 1 ngày và 7 ngày sau lần trả lời đầu tiên: người học còn nhớ được bao nhiêu, không chỉ học xong bao nhiêu. “Đã vững”: số lượt người học × bài có xác suất đã nắm bài từ 95% trở lên (mô hình theo dõi kiến thức Bayes).</p>
${table(["Chủ đề / bài", "Đúng ngay lần đầu", "Đúng khi hỏi lại sau ≥ 1 ngày", "Đúng khi hỏi lại sau ≥ 7 ngày", "Đã vững"], rows, 1)}</section>`;
}

function byTrack(curriculum: Curriculum, figures: Figures) {
  return curriculum.tracks.map((track) => {
    const lessons = track.lessons.map((l) => ({
      title: l.title,
      figures: lessonFigures(
        figures.quiz.filter((q) => q.lessonId === l.id),
        figures.retention.get(l.id),
      ),
    }));
    return { title: track.title, total: sumFigures(lessons.map((l) => l.figures)), lessons };
  });
}
