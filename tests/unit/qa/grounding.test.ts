import { describe, expect, it } from "vitest";
import { checkGrounding } from "../../../src/qa/grounding.js";

const passages = [
  "Đặt passcode: Bác đặt **passcode** gồm 6 chữ số. Passcode dùng để mở giấy tờ trong Ví giấy tờ.",
  "Kiểm tra địa chỉ: Trang thật là dichvucong.gov.vn. Báo tin nhắn rác: nhắn tới 5656.",
  "Bác bấm **Gửi yêu cầu** rồi nhập mã OTP.",
];

describe("the model's answer keeps to the passages it was given", () => {
  it("accepts an answer that only rephrases them", () => {
    expect(checkGrounding("Bác đặt passcode 6 chữ số nhé.\n1. Bấm “Gửi yêu cầu”.\n2. Vào dichvucong.gov.vn.", passages)).toEqual({
      ok: true,
    });
  });

  it("rejects a number that is not in them (a wrong length, fee or phone number)", () => {
    expect(checkGrounding("Passcode gồm 4 chữ số.", passages)).toEqual({ ok: false, reason: "number" });
    expect(checkGrounding("Bác gọi 1900 1234 để được giúp.", passages)).toEqual({ ok: false, reason: "number" });
  });

  it("rejects a web address that is not in them", () => {
    expect(checkGrounding("Bác vào dichvucong.vn nhé.", passages)).toEqual({ ok: false, reason: "link" });
  });

  it("rejects a screen or button name that is not in them", () => {
    expect(checkGrounding("Bác bấm **Xác nhận ngay** nhé.", passages)).toEqual({ ok: false, reason: "name" });
  });

  it("treats 'I don't know' as no answer", () => {
    expect(checkGrounding("Tài liệu không nói tới việc này, tôi không biết ạ.", passages)).toEqual({ ok: false, reason: "unsure" });
  });
});
