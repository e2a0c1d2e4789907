import type { Curriculum, Lesson, Step, Track } from "../../src/curriculum/types.js";

// A small curriculum built in code for engine tests (the parser has its own tests).

type StepInput = Step extends infer S ? (S extends Step ? Omit<S, "line"> : never) : never;
export const step = (s: StepInput): Step => ({ line: 1, ...s }) as Step;

export function lesson(id: string, trackId: string, order: number, steps: Step[], extra: Partial<Lesson> = {}): Lesson {
  return {
    id,
    trackId,
    title: `Bài ${id}`,
    minutes: 5,
    level: "co-ban",
    competences: ["digcomp-4.2"],
    requires: [],
    sources: [{ url: "https://example.gov.vn", checked: "2026-11-01" }],
    unverified: [],
    real: [],
    questions: [],
    intro: `Mục tiêu: học bài ${id}.`,
    steps,
    summary: `Tóm tắt bài ${id}.`,
    order,
    file: `${trackId}/0${order}-${id}.md`,
    ...extra,
  };
}

export function buildCurriculum(tracks: Array<Omit<Track, "lessons"> & { lessons: Lesson[] }>): Curriculum {
  const lessons = new Map<string, Lesson>();
  for (const t of tracks) for (const l of t.lessons) lessons.set(l.id, l);
  return { tracks, lessons, version: "test", mediaDir: "/nonexistent" };
}

export function sampleCurriculum(): Curriculum {
  const otp = lesson("otp", "an-toan", 1, [
    step({
      kind: "instruction",
      index: 1,
      title: "Hiểu mã OTP",
      text: "OTP là mã dùng một lần.",
      tip: "OTP giống chìa khoá dùng một lần.",
    }),
    step({
      kind: "checkpoint",
      index: 2,
      title: "Bác đã thấy tin nhắn OTP chưa?",
      text: "",
      options: [{ label: "Đã thấy" }, { label: "Chưa thấy", help: "Bác mở mục Tin nhắn trên điện thoại." }],
    }),
    step({ kind: "instruction", index: 3, title: "Không đọc OTP cho ai", text: "Không đọc mã cho bất kỳ ai." }),
    step({
      kind: "quiz",
      index: 4,
      title: "Ai được hỏi mã OTP của bác?",
      text: "",
      options: [
        { label: "Công an gọi điện", correct: false },
        { label: "Nhân viên ngân hàng", correct: false },
        { label: "Không ai cả", correct: true },
      ],
      explanation: "Giải thích: không ai được hỏi mã OTP.",
    }),
  ]);
  const link = lesson("link", "an-toan", 2, [
    step({ kind: "instruction", index: 1, title: "Xem đuôi .gov.vn", text: "Trang thật có đuôi .gov.vn." }),
    step({
      kind: "quiz",
      index: 2,
      title: "Trang nào là thật?",
      text: "",
      options: [
        { label: "dichvucong.gov.vn", correct: true },
        { label: "dichvucongs.top", correct: false },
      ],
    }),
  ]);
  const vneid = lesson("vneid", "vneid", 1, [step({ kind: "instruction", index: 1, title: "Mở VNeID", text: "Bác mở ứng dụng VNeID." })], {
    requires: ["otp"],
  });
  return buildCurriculum([
    { id: "an-toan", title: "An toàn trên mạng", description: "Giữ an toàn.", order: 1, emoji: "🛡️", lessons: [otp, link] },
    { id: "vneid", title: "VNeID", description: "Định danh điện tử.", order: 2, lessons: [vneid] },
  ]);
}
