import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTelegram } from "../../../src/channels/telegram.js";
import { splitText } from "../../../src/channels/types.js";
import { loadCurriculum } from "../../../src/curriculum/load.js";
import type { Curriculum, Lesson } from "../../../src/curriculum/types.js";
import { type LessonProgressView, step, type TutorEvent, type TutorState } from "../../../src/tutor/engine.js";
import { type Reply, renderPlain } from "../../../src/tutor/replies.js";
import { vi } from "../../../src/tutor/texts.vi.js";

// Every lesson of the real curriculum, played from start to finish through the engine: each
// checkpoint's help first, each quiz answered wrongly first, then rightly. Every reply is rendered
// the Zalo way (numbered text) and the Telegram way (buttons) and checked against their limits.

let curriculum: Curriculum;
beforeAll(async () => {
  const loaded = await loadCurriculum(resolve(import.meta.dirname, "../../../curriculum"));
  if (!loaded.curriculum) throw new Error(loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join("\n"));
  curriculum = loaded.curriculum;
});

function checkRendering(replies: Reply[]) {
  for (const r of replies) {
    const zalo = renderPlain(r, vi.quick, vi.quickHint);
    for (const piece of splitText(zalo, 2000)) expect(piece.length).toBeLessThanOrEqual(2000);
    expect(zalo.trim().length).toBeGreaterThan(0);
    for (const call of renderTelegram("1", r)) {
      if (call.method !== "sendMessage") continue;
      expect(String(call.params.text).length).toBeLessThanOrEqual(4096);
      const rows =
        (call.params.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined)
          ?.inline_keyboard ?? [];
      for (const b of rows.flat()) {
        expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
        expect(b.text.length).toBeLessThanOrEqual(40);
      }
    }
  }
}

function play(lesson: Lesson) {
  let state: TutorState = { v: 1, consent: true, screen: { kind: "menu" } };
  const progress = new Map<string, LessonProgressView>();
  const events: TutorEvent[] = [];
  const say = (text: string) => {
    const out = step(state, { kind: "text", text }, { curriculum, progress });
    expect(out.question, `"${text}" in ${lesson.id} was taken for a question`).toBeUndefined();
    state = out.state;
    events.push(...out.events);
    checkRendering(out.replies);
    return out.replies;
  };
  const trackNo = curriculum.tracks.findIndex((t) => t.id === lesson.trackId) + 1;
  const lessonNo = (curriculum.tracks[trackNo - 1]?.lessons.findIndex((l) => l.id === lesson.id) ?? -1) + 1;
  say(String(trackNo));
  say(String(lessonNo));
  for (let guard = 0; guard < 100 && state.lesson; guard++) {
    const s = lesson.steps[state.lesson.stepIndex];
    if (!s) throw new Error("step out of range");
    if (s.kind === "instruction") {
      if (s.tip)
        expect(
          say("không hiểu")
            .map((r) => r.text)
            .join("\n"),
        ).toContain(s.tip.slice(0, 20));
      say("tiếp");
    } else if (s.kind === "checkpoint") {
      s.options.forEach((o, i) => {
        if (!o.help) return;
        const r = say(String(i + 1));
        expect(r.map((x) => x.text).join("\n")).toContain(o.help.slice(0, 20));
        expect(state.lesson?.stepIndex).toBe(s.index - 1);
      });
      say(String(s.options.findIndex((o) => !o.help) + 1));
    } else {
      const wrong = s.options.findIndex((o) => !o.correct);
      const right = s.options.findIndex((o) => o.correct);
      const r = say(String(wrong + 1));
      expect(r.map((x) => x.text).join("\n")).toContain("Chưa đúng");
      say(String(right + 1));
    }
  }
  return { events, state };
}

describe("every lesson of the curriculum plays from start to finish", () => {
  it("has at least 6 tracks and 30 lessons", () => {
    expect(curriculum.tracks.length).toBeGreaterThanOrEqual(6);
    expect(curriculum.lessons.size).toBeGreaterThanOrEqual(30);
  });

  it("plays each lesson, with wrong and right quiz answers and every checkpoint's help", () => {
    for (const lesson of curriculum.lessons.values()) {
      const { events, state } = play(lesson);
      expect(events, lesson.id).toContainEqual({ type: "lesson_completed", lessonId: lesson.id });
      const quizzes = lesson.steps.filter((s) => s.kind === "quiz").length;
      const answers = events.filter((e) => e.type === "quiz_answered");
      expect(answers.length, lesson.id).toBe(quizzes * 2);
      expect(answers.filter((a) => a.type === "quiz_answered" && a.correct).length, lesson.id).toBe(quizzes);
      expect(state.screen.kind).toBe("done");
    }
  });

  it("every lesson has 3–8 steps, a checkpoint or quiz, competences of both frameworks, and dated sources", () => {
    for (const l of curriculum.lessons.values()) {
      expect(l.steps.length, l.id).toBeGreaterThanOrEqual(3);
      expect(l.steps.length, l.id).toBeLessThanOrEqual(8);
      expect(
        l.steps.some((s) => s.kind !== "instruction"),
        l.id,
      ).toBe(true);
      expect(
        l.competences.some((c) => c.startsWith("digcomp-")),
        l.id,
      ).toBe(true);
      expect(
        l.competences.some((c) => c.startsWith("tt02-")),
        l.id,
      ).toBe(true);
      expect(l.sources.length, l.id).toBeGreaterThan(0);
      for (const s of l.sources) expect(s.checked, l.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("covers the topics the programme asks for", () => {
    const text = [...curriculum.lessons.values()]
      .map((l) => `${l.title} ${l.steps.map((s) => `${s.title} ${s.text}`).join(" ")}`)
      .join(" ")
      .toLowerCase();
    for (const topic of [
      "otp",
      "mật khẩu",
      "đường link",
      "vneid",
      "mức 2",
      "ví giấy tờ",
      "dịch vụ công",
      "lệ phí",
      "vssid",
      "bảo hiểm y tế",
      "qr",
      "lương hưu",
      "công an",
      "deepfake",
      "việc nhẹ lương cao",
      "5656",
      "chatgpt",
      "gắn nhãn",
    ]) {
      expect(text, topic).toContain(topic);
    }
  });
});
