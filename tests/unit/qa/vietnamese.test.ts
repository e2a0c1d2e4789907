import { describe, expect, it } from "vitest";
import { canonicalTone, isVietnameseSyllable, syllables, typedWithMarks, wordsOf } from "../../../src/qa/vietnamese.js";

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

  it("reads the two placements of a tone mark as one word: 'khóa' is 'khoá', 'thủy' is 'thuỷ'", () => {
    const acc = (t: string) => syllables(t).map((x) => x.acc);
    expect(acc("khóa tài khoản")).toEqual(acc("khoá tài khoản"));
    expect(acc("hòa mạng toà án thủy")).toEqual(["hoà", "mạng", "toà", "án", "thuỷ"]);
    expect(canonicalTone("qúy")).toBe("quý");
    // With a final consonant both spellings already agree, and other words are left alone.
    for (const w of ["hoàn", "thoại", "đoàn", "quý", "mất"]) expect(canonicalTone(w)).toBe(w);
  });

  it("reads an amount or a time typed with its unit as the number and the word: '10tr', '4h'; '4g' stays the network", () => {
    expect(folds("chuyển 10tr")).toEqual(["chuyen", "10", "trieu"]);
    expect(folds("500k")).toEqual(["500", "nghin"]);
    expect(folds("tu 4h sang")).toEqual(["tu", "4", "gio", "sang"]);
    expect(folds("bat 4g")).toEqual(["bat", "4g"]);
  });

  it("expands 'z' and 'hông' as people type them", () => {
    expect(syllables("sao z").map((x) => x.acc)).toEqual(["sao", "vậy"]);
    expect(syllables("được hông").map((x) => x.acc)).toEqual(["được", "không"]);
  });
});

describe("wordsOf reads the runs of letters and numbers exactly as the Unicode regex does", () => {
  const reference = (t: string) => t.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  it.each([
    "Xin chào bác! 👋 Tôi là trợ lý",
    "tiền: 10.000đ — ok… a²b³ ½ µ ª º",
    "漢字テスト 한국어 𝒜𝒷𝒸 𐐷",
    "🇻🇳 👨‍👩‍👧 x\u0301y ǅ ʼn",
    "a\ud800b \udc00c",
    "",
  ])("%j", (text) => {
    expect(wordsOf(text)).toEqual(reference(text));
  });

  it("on thousands of strings drawn from every plane", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 5000; k++) {
      let text = "";
      for (let j = 0; j < 12; j++) {
        const r = next();
        const cp =
          r < 0.3
            ? 32 + Math.floor(next() * 95)
            : r < 0.6
              ? 0xc0 + Math.floor(next() * 0x1e40)
              : r < 0.8
                ? Math.floor(next() * 0xffff)
                : 0x10000 + Math.floor(next() * 0x20000);
        text += String.fromCodePoint(cp);
      }
      expect(wordsOf(text)).toEqual(reference(text));
    }
  });
});
