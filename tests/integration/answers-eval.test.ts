import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { belowFloor, evaluateAnswers, loadCases } from "../../src/cli/eval-answers.js";

// npm run eval:answers over our own cases, as CI's gate: every figure at or above its floor, lessons only and
// with a model (a stand-in endpoint on loopback that records what it is sent).

const cases = loadCases(resolve(import.meta.dirname, "../answer-cases"));

describe("answers to citizens' questions (tests/answer-cases)", () => {
  it("has the cases the figures need: at least 150, half without diacritics", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const plain = cases.filter((c) => !/[à-ỹđ]/i.test(c.q.normalize("NFC").replace(/[A-Za-z0-9\s\p{P}\p{S}]/gu, ""))).length;
    expect(plain / cases.length).toBeGreaterThanOrEqual(0.45);
  });

  for (const llm of [false, true]) {
    it(`keeps every figure at or above its floor ${llm ? "with a model" : "from the lessons only"}`, async () => {
      const report = await evaluateAnswers({ cases, llm });
      const failing = report.figures.filter(belowFloor).map((f) => `${f.name}: ${f.value}/${f.of}`);
      expect(failing, report.misses.join("\n")).toEqual([]);
      if (llm) expect(report.tokens?.max ?? Number.POSITIVE_INFINITY).toBeLessThan(1000);
    }, 120_000);
  }
});
