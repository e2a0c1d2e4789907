import { describe, expect, it } from "vitest";
import { isVietnameseSyllable, syllables, typedWithMarks } from "../../../src/qa/vietnamese.js";

const folds = (t: string) => syllables(t).map((s) => s.fold);

describe("reading what citizens type", () => {
  it("expands the shorthand people use, to the words with their marks", () => {
    expect(syllables("bhyt ko dc").map((s) => s.acc)).toEqual(["bảo", "hiểm", "y", "tế", "không", "được"]);
    expect(folds("stk cua toi")).toEqual(["so", "tai", "khoan", "cua", "toi"]);
    expect(folds("nop dvc")).toEqual(["nop", "dich", "vu", "cong"]);
  });

  it("reads '50 k' as money, not 'không'", () => {
    expect(folds("50 k")).toEqual(["50", "k"]);
    expect(folds("k biet")).toEqual(["khong", "biet"]);
  });

  it("keeps 'AI' in capitals apart from 'ai' (who)", () => {
    expect(syllables("AI là gì")[0]).toEqual({ acc: "AI", fold: "ai" });
    expect(syllables("ai gọi")[0]).toEqual({ acc: "ai", fold: "ai" });
  });

  it("tells a learner who types marks from one who does not", () => {
    expect(typedWithMarks(syllables("làm sao kích hoạt VNeID"), "làm sao kích hoạt VNeID")).toBe(true);
    expect(typedWithMarks(syllables("lam sao kich hoat vneid"), "lam sao kich hoat vneid")).toBe(false);
  });

  it("tells Vietnamese syllables from names and brands", () => {
    for (const w of ["nguyen", "thoai", "ngoai", "khuon", "quet", "vay", "chuyen"]) expect(isVietnameseSyllable(w)).toBe(true);
    for (const w of ["grab", "shopee", "zalo", "wifi", "bluetooth", "vneid"]) expect(isVietnameseSyllable(w)).toBe(false);
  });
});
