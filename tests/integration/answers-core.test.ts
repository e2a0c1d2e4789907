import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCurriculum } from "../../src/curriculum/load.js";
import { answering } from "../../src/qa/compose.js";
import { checkInput } from "../../src/qa/guard.js";
import { buildIndex } from "../../src/qa/retrieve.js";

// The questions every learner asks first, against the real lessons: each is answered from the lesson about it, not
// from one that mentions the word in passing ("mã OTP là gì" was answered from the voice-typing lesson, which
// explains the word once).

const curriculum = (await loadCurriculum(resolve(import.meta.dirname, "../../curriculum"))).curriculum;
const index = curriculum ? buildIndex(curriculum) : undefined;

describe("the first questions, against the real lessons", () => {
  it.each([
    ["mã OTP là gì", "ma-otp-mat-khau"],
    ["ma otp la gi", "ma-otp-mat-khau"],
    ["lam sao biet link gia", "nhan-biet-duong-link-gia"],
    ["kích hoạt VNeID thế nào", "vneid-kich-hoat"],
    ["tra tien dien tren dt o dau", "bh-tien-dien-nuoc"],
    // Words as citizens say them: a loanword, a regional word, the maker of their phone or their bank.
    ["quen password vneid lay lai o dau", "vneid-quen-mat-khau"],
    ["điện thoại Oppo chữ nhỏ xíu, muốn chỉnh cỡ chữ to ra", "dien-thoai-chu-to"],
    ["xin phieu ltp online tren vneid the nao", "vneid-ly-lich-tu-phap"],
    ["tien dien evn thang nay dong qua app the nao", "bh-tien-dien-nuoc"],
  ])("%s → %s", (q, lesson) => {
    if (!index) throw new Error("the real curriculum does not load");
    const d = checkInput(q);
    expect(answering(index.search(d.redacted), { unscoped: d.rule === "scope.none" })?.lesson.id).toBe(lesson);
  });
});
