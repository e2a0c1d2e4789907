import pino from "pino";
import { describe, expect, it } from "vitest";
import { createQa, type QaStore } from "../../../src/qa/service.js";
import { buildCurriculum, lesson, step } from "../../helpers/curriculum.js";

// Someone in danger right now: the learner reads the emergency number first, not "I do not give medical advice".
// Sentences written for this test.

const store: QaStore = { cached: async () => undefined, cache: async () => undefined, takeBudget: async () => true };
const bhyt = lesson(
  "bhyt",
  "bao-hiem",
  1,
  [step({ kind: "instruction", index: 1, title: "Thẻ BHYT", text: "Đi khám, bác đưa thẻ BHYT trong VNeID." })],
  {
    title: "Dùng thẻ bảo hiểm y tế",
    questions: ["đi khám dùng thẻ bhyt trên điện thoại được không"],
  },
);
const curriculum = buildCurriculum([{ id: "bao-hiem", title: "Bảo hiểm", description: "x", order: 1, lessons: [bhyt] }]);
const qa = createQa({ store, curriculum: () => curriculum, logger: pino({ level: "silent" }), promptsDir: "/nonexistent" });
const reply = async (text: string) => (await qa.ask({ text, learnerKey: "emergency-test" })).texts.join("\n");

describe("a medical emergency", () => {
  it.each([
    "ông tôi uống nhầm thuốc, gọi cấp cứu số mấy",
    "bà tôi bị ngất xỉu không tỉnh, làm sao bây giờ",
    "me toi kho tho qua, goi cap cuu so nao",
    "chồng tôi đang co giật, phải làm gì",
  ])("%s → call 115 first", async (text) => {
    const said = await reply(text);
    expect(said.split("\n")[0]).toContain("115");
  });

  it.each(["đi cấp cứu trái tuyến có được bảo hiểm y tế trả không", "ngắt kết nối wifi thế nào", "thuốc huyết áp uống lúc nào"])(
    "is not read into an ordinary question: %s",
    async (text) => {
      expect(await reply(text)).not.toContain("115");
    },
  );
});
