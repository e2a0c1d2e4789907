import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Curriculum } from "../../../src/curriculum/types.js";
import { createQa, type QaStore } from "../../../src/qa/service.js";
import { buildCurriculum, lesson, step } from "../../helpers/curriculum.js";

// The question index while admins edit lessons: a question is never kept waiting for a new version's index when an
// older one is built.

const store: QaStore = { cached: async () => undefined, cache: async () => undefined, takeBudget: async () => true };

function version(v: string, says: string): Curriculum {
  const otp = lesson("otp", "an-toan", 1, [step({ kind: "instruction", index: 1, title: "Hiểu mã OTP", text: says })], {
    title: "Giữ kín mã OTP",
    questions: ["mã otp là gì"],
  });
  return { ...buildCurriculum([{ id: "an-toan", title: "An toàn", description: "x", order: 1, lessons: [otp] }]), version: v };
}

describe("the question index while a lesson is saved", () => {
  it("answers from the index built before the save while the new one is built, also when the save came during the first build", async () => {
    let current = version("v1", "Mã OTP là mã số dùng một lần, không đọc cho ai.");
    const qa = createQa({ store, curriculum: () => current, logger: pino({ level: "silent" }), promptsDir: "/nonexistent" });
    const first = qa.ask({ text: "mã otp là gì", learnerKey: "a" });
    // An admin saves the lesson while the first index is being built.
    current = version("v2", "Mã OTP (bản sửa) là mã số dùng một lần, không đọc cho ai.");
    expect((await first).texts.join("\n")).toContain("Mã OTP là mã số dùng một lần");
    // The next question does not wait for the new version's index: the one just built answers it.
    const second = await qa.ask({ text: "mã otp là gì", learnerKey: "b" });
    expect(second.texts.join("\n")).toContain("Mã OTP là mã số dùng một lần");
    // Once the new index is built (in slices, in the background), its text is what learners read.
    let latest = "";
    for (let i = 0; i < 200 && !latest.includes("(bản sửa)"); i++) {
      await new Promise((r) => setTimeout(r, 10));
      latest = (await qa.ask({ text: "mã otp là gì", learnerKey: `c${i}` })).texts.join("\n");
    }
    expect(latest).toContain("(bản sửa)");
  });
});

describe("the memory of an index build", () => {
  it("is given back once after each build, after the new index is in use", async () => {
    let current = version("v1", "Mã OTP là mã số dùng một lần, không đọc cho ai.");
    const answers: string[] = [];
    let compactions = 0;
    const qa = createQa({
      store,
      curriculum: () => current,
      logger: pino({ level: "silent" }),
      promptsDir: "/nonexistent",
      compactHeap: () => {
        compactions++;
      },
    });
    answers.push((await qa.ask({ text: "mã otp là gì", learnerKey: "a" })).texts.join("\n"));
    // Not before the question that waited for the first index was answered.
    expect(answers[0]).toContain("Mã OTP là mã số dùng một lần");
    await new Promise((r) => setImmediate(r));
    expect(compactions).toBe(1);
    // A question on the same version builds nothing, so nothing more is collected.
    await qa.ask({ text: "mã otp là gì", learnerKey: "b" });
    await new Promise((r) => setImmediate(r));
    expect(compactions).toBe(1);
    current = version("v2", "Mã OTP (bản sửa) là mã số dùng một lần.");
    let latest = "";
    for (let i = 0; i < 200 && !latest.includes("(bản sửa)"); i++) {
      await new Promise((r) => setTimeout(r, 10));
      latest = (await qa.ask({ text: "mã otp là gì", learnerKey: `c${i}` })).texts.join("\n");
    }
    expect(latest).toContain("(bản sửa)");
    await new Promise((r) => setImmediate(r));
    expect(compactions).toBe(2);
  });
});
