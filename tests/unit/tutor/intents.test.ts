import { describe, expect, it } from "vitest";
import { fold, matchOption, parseIntent } from "../../../src/tutor/intents.js";

describe("fold", () => {
  it("removes diacritics, case, punctuation", () => {
    expect(fold("  Nhắc LẠI!! ")).toBe("nhac lai");
    expect(fold("Đã thấy")).toBe("da thay");
    expect(fold("Tiếp tục 👍")).toBe("tiep tuc");
  });
});

describe("parseIntent", () => {
  const cases: Array<[string, string]> = [
    ["tiếp", "next"],
    ["tiep", "next"],
    ["Tiếp tục", "next"],
    ["ok", "next"],
    ["OK nhé", "next"],
    ["rồi", "next"],
    ["xong", "next"],
    ["xong rồi ạ", "next"],
    ["👍", "next"],
    ["nhắc lại", "repeat"],
    ["nhac lai", "repeat"],
    ["Nhắc lại giúp tôi", "repeat"],
    ["quay lại", "back"],
    ["quay lai", "back"],
    ["menu", "menu"],
    ["/menu", "menu"],
    ["Menu", "menu"],
    ["danh sách", "menu"],
    ["trợ giúp", "help"],
    ["tro giup", "help"],
    ["/help", "help"],
    ["tiến độ", "progress"],
    ["tien do", "progress"],
    ["/tiendo", "progress"],
    ["dừng", "stop"],
    ["dung", "stop"],
    ["tạm dừng", "stop"],
    ["không hiểu", "explain"],
    ["ko hieu", "explain"],
    ["giải thích thêm", "explain"],
    ["???", "explain"],
    ["/start", "start"],
    ["Xin chào", "start"],
    ["xin chao", "start"],
    ["chào", "start"],
    ["có", "yes"],
    ["đồng ý", "yes"],
    ["dong y", "yes"],
    ["vâng", "yes"],
    ["không", "no"],
    ["ko", "no"],
    ["chưa", "no"],
    ["chua thay", "no"],
    // "đúng" folds to "dung" like "dừng": with its marks it is a yes, never a stop.
    ["đúng", "yes"],
    ["Đúng rồi ạ", "yes"],
    ["phải", "yes"],
    ["dung roi", "yes"],
    ["dừng", "stop"],
    // Letters held down, one missing or wrong.
    ["tiepp", "next"],
    ["tiế", "next"],
    ["okeee", "next"],
    ["menuu", "menu"],
  ];
  it.each(cases)("%s → %s", (input, kind) => {
    expect(parseIntent(input).kind).toBe(kind);
  });

  const numbers: Array<[string, number]> = [
    ["2", 2],
    ["  3 ", 3],
    ["2.", 2],
    ["hai", 2],
    ["Hai", 2],
    ["số 2", 2],
    ["so 2", 2],
    ["Số hai", 2],
    ["chọn 3", 3],
    ["đáp án 1", 1],
    ["ba", 3],
    ["bốn", 4],
    ["năm", 5],
    ["câu 1 nhé", 1],
    ["10", 10],
  ];
  it.each(numbers)("%s → number %i", (input, n) => {
    expect(parseIntent(input)).toEqual({ kind: "number", n });
  });

  it("keeps free text as text", () => {
    expect(parseIntent("cach lay lai mat khau vneid")).toEqual({ kind: "text", normalized: "cach lay lai mat khau vneid" });
    expect(parseIntent("tôi có 2 con").kind).toBe("text");
  });
});

describe("matchOption", () => {
  const labels = ["Đã thấy", "Chưa thấy", "Không ai cả"];
  it("matches an option's own words, with or without diacritics", () => {
    expect(matchOption("đã thấy", labels)).toBe(0);
    expect(matchOption("da thay", labels)).toBe(0);
    expect(matchOption("khong ai ca", labels)).toBe(2);
    expect(matchOption("Không ai cả!", labels)).toBe(2);
  });
  it("never guesses between options", () => {
    expect(matchOption("thấy", labels)).toBeUndefined();
    expect(matchOption("khong", labels)).toBeUndefined();
    expect(matchOption("x", labels)).toBeUndefined();
  });
  it("takes a topic said with a few words around it, but not a question that only mentions it", () => {
    const tracks = ["Nhận biết lừa đảo", "VNeID — định danh điện tử"];
    expect(matchOption("chọn nhận biết lừa đảo nhé", tracks)).toBe(0);
    expect(matchOption("tôi muốn luyện nhận biết lừa đảo, cho tôi vài ví dụ thật hay giả", tracks)).toBeUndefined();
  });
});
