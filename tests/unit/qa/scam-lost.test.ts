import { resolve } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadCurriculum } from "../../../src/curriculum/load.js";
import { checkInput } from "../../../src/qa/guard.js";
import { LOST_LESSON, SCAM_RULES } from "../../../src/qa/rules.js";
import { createQa, type QaStore } from "../../../src/qa/service.js";

// A learner who has already lost money or given away a code needs what to do now (call the bank, report it), not
// "do not transfer, do not read the code". Sentences written for this test, against the real lessons.

const curriculum = (await loadCurriculum(resolve(import.meta.dirname, "../../../curriculum"))).curriculum;
const store: QaStore = { cached: async () => undefined, cache: async () => undefined, takeBudget: async () => true };
const qa = createQa({
  store,
  curriculum: () => {
    if (!curriculum) throw new Error("the real curriculum does not load");
    return curriculum;
  },
  logger: pino({ level: "silent" }),
  promptsDir: "/nonexistent",
});

describe("a scam story told after the loss", () => {
  it.each([
    "me em 70 tuoi hom qua lo doc so the cho nguoi la qua dien thoai, sang nay tai khoan mat het",
    "bố tôi lỡ đọc mã OTP cho người xưng nhân viên ngân hàng, tài khoản bị rút 50 triệu rồi",
    "tôi lỡ bấm link trong tin nhắn báo phạt nguội rồi nhập số thẻ, giờ làm sao",
    "người xưng công an bắt tôi chuyển 30 triệu vào tài khoản tạm giữ, tôi chuyển rồi, giờ gọi không được",
  ])("%s → what to do now, from the lesson on it", async (text) => {
    expect(checkInput(text).action).toBe("warn");
    const r = await qa.ask({ text, learnerKey: "lost" });
    const said = r.texts.join("\n");
    expect(r.texts[0]).toContain("tổng đài");
    expect(said).toContain("Lỡ bị lừa: làm gì ngay");
    expect(said).not.toContain("Không chuyển tiền. Không đọc mã OTP");
  });

  it.each([
    "khách nói đã chuyển rồi, gửi ảnh chuyển khoản thành công, tôi giao hàng được chưa",
    "nhân viên điện lực bảo từ tháng sau tự chuyển khoản, tôi có app ngân hàng rồi, trả ở mục nào",
  ])("someone else's 'paid already', or an app one has, is not a loss: %s", async (text) => {
    const r = await qa.ask({ text, learnerKey: "not-lost" });
    expect(r.texts.join("\n")).not.toContain("Gọi ngay số tổng đài in trên thẻ ngân hàng. Bác nói mình bị lừa");
  });

  it("a story before any loss still gets the warning not to pay", async () => {
    const r = await qa.ask({
      text: "có người xưng công an gọi bảo tôi chuyển 30 triệu vào tài khoản tạm giữ, có nên chuyển không",
      learnerKey: "before",
    });
    expect(r.texts[0]).toContain("Không chuyển tiền");
  });
});

describe("the lessons the scam warnings name", () => {
  it("are lessons of the real curriculum (a renamed lesson would leave its warning without one)", () => {
    const named = new Set([LOST_LESSON, ...SCAM_RULES.flatMap((r) => (r.lesson ? [r.lesson] : []))]);
    expect(named.size).toBeGreaterThan(5);
    for (const id of named) expect(curriculum?.lessons.has(id), id).toBe(true);
  });
});
