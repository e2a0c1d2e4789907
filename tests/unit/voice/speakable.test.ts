import { describe, expect, it } from "vitest";
import { qaVi } from "../../../src/qa/texts.vi.js";
import { vi } from "../../../src/tutor/texts.vi.js";
import { readDigits, readNumber, speakable } from "../../../src/voice/speakable.js";

// Every expected string below is what an elderly learner should hear, checked by ear: a wrong reading is a bug.

describe("speakable: a tutor message as the learner hears it", () => {
  it("reads a lesson step: no emoji, no bold markers, options as 'Một: …' with a pause after each", () => {
    expect(speakable("📱 **Bước 2.** Mở ứng dụng VNeID, bấm **Đăng nhập**.\n\n1. Đã thấy\n2. Chưa thấy")).toBe(
      "Bước hai. Mở ứng dụng VNeID, bấm Đăng nhập. Một: Đã thấy. Hai: Chưa thấy.",
    );
  });

  it("reads the step heading the tutor sends as a count, never as a date", () => {
    const step = `${vi.stepHeading("instruction", 2, 6, "Tự gõ địa chỉ cổng")}\nTrong trình duyệt, bác tự gõ **dichvucong.gov.vn**.`;
    expect(speakable(step)).toBe("Bước hai trên sáu: Tự gõ địa chỉ cổng. Trong trình duyệt, bác tự gõ dichvucong chấm gov chấm vn.");
    expect(speakable(vi.stepHeading("checkpoint", 4, 6, "Bác thấy chưa?"))).toBe("Kiểm tra, bốn trên sáu: Bác thấy chưa?");
    expect(speakable(vi.stepHeading("quiz", 3, 6, "Bác làm gì?"))).toBe("Câu hỏi, ba trên sáu: Bác làm gì?");
    expect(speakable("▶️ Đang học: “Mật khẩu” (bước 3/6)")).toBe("Đang học: Mật khẩu, bước ba trên sáu.");
    expect(speakable("✅ Đã xong (2/5 ✅)")).toBe("Đã xong, hai trên năm.");
    expect(speakable("Bác đúng 4/5 câu.")).toBe("Bác đúng bốn trên năm câu.");
  });

  it("reads hotlines and switchboards digit by digit", () => {
    expect(speakable("Gọi 113 khi cần. Tổng đài 1900 9090.")).toBe(
      "Gọi một một ba khi cần. Tổng đài một chín không không, chín không chín không.",
    );
    expect(speakable("Nếu bác gặp nguy hiểm, gọi ngay 115 (cấp cứu).")).toBe("Nếu bác gặp nguy hiểm, gọi ngay một một năm, cấp cứu.");
    expect(speakable("Báo tin nhắn rác: nhắn tới 5656. Phản ánh cuộc gọi lừa đảo: 156.")).toBe(
      "Báo tin nhắn rác: nhắn tới năm sáu năm sáu. Phản ánh cuộc gọi lừa đảo: một năm sáu.",
    );
    expect(speakable("156 và 5656 là hai tổng đài nhận báo lừa đảo.")).toBe(
      "một năm sáu và năm sáu năm sáu là hai tổng đài nhận báo lừa đảo.",
    );
    expect(speakable("Khẩn cấp gọi 114.")).toBe("Khẩn cấp gọi một một bốn.");
    expect(speakable("Bác gọi tổng đài 1022.")).toBe("Bác gọi tổng đài một không hai hai.");
    expect(speakable("Nhắn tin tới 8079 nhé.")).toBe("Nhắn tin tới tám không bảy chín nhé.");
    expect(speakable("Tổng đài 19009090.")).toBe("Tổng đài một chín không không, chín không chín không.");
    expect(speakable("Đầu số 1800 1096 miễn phí.")).toBe("Đầu số một tám không không, một không chín sáu miễn phí.");
  });

  it("reads phone numbers digit by digit, pausing between the groups people say", () => {
    expect(speakable("Gọi 0912345678.")).toBe("Gọi không chín một hai, ba bốn năm, sáu bảy tám.");
    expect(speakable("Số bàn 024 3825 1234.")).toBe("Số bàn không hai bốn, ba tám hai năm, một hai ba bốn.");
    expect(speakable("Gọi 0912.345.678 hoặc 028-3822-1234.")).toBe(
      "Gọi không chín một hai, ba bốn năm, sáu bảy tám hoặc không hai tám, ba tám hai hai, một hai ba bốn.",
    );
    expect(speakable("Gọi +84 912 345 678.")).toBe("Gọi cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám.");
  });

  it("reads codes and long numbers digit by digit, but quantities as quantities", () => {
    expect(speakable("Mã 123456.")).toBe("Mã một hai ba bốn năm sáu.");
    expect(speakable("Số tài khoản 0123456789012.")).toBe("Số tài khoản không một hai ba bốn năm sáu bảy tám chín không một hai.");
    expect(speakable("Mã xác nhận: **K7M2XQ9ABC**")).toBe("Mã xác nhận: K bảy M hai X Q chín A B C.");
    expect(speakable("Có 113 người.")).toBe("Có một trăm mười ba người.");
    expect(speakable("Nhận 15000đ.")).toBe("Nhận mười lăm nghìn đồng.");
    expect(speakable("Năm 2025 có 365 ngày.")).toBe("Năm hai nghìn không trăm hai mươi lăm có ba trăm sáu mươi lăm ngày.");
    expect(speakable("Gọi điện năm 2023 cho con.")).toBe("Gọi điện năm hai nghìn không trăm hai mươi ba cho con.");
  });

  it("reads money and percentages", () => {
    expect(speakable("Phí 50.000đ, giảm 20%.")).toBe("Phí năm mươi nghìn đồng, giảm hai mươi phần trăm.");
    expect(speakable("Bác chuyển 1.000.000 đồng.")).toBe("Bác chuyển một triệu đồng.");
    expect(speakable("Giá 500.000 VNĐ.")).toBe("Giá năm trăm nghìn đồng.");
    expect(speakable("Giá 500 000 đồng.")).toBe("Giá năm trăm nghìn đồng.");
    expect(speakable("Nạp 50k là nhận quà.")).toBe("Nạp năm mươi nghìn là nhận quà.");
    expect(speakable("Lãi 2,5% mỗi tháng, cam kết 100%.")).toBe("Lãi hai phẩy năm phần trăm mỗi tháng, cam kết một trăm phần trăm.");
    expect(speakable("Khách chuyển 9.034 đồng cho hóa đơn 9.034.000 đồng.")).toBe(
      "Khách chuyển chín nghìn không trăm ba mươi tư đồng cho hóa đơn chín triệu không trăm ba mươi tư nghìn đồng.",
    );
    expect(speakable("Đã có người mất hơn 2 tỷ đồng, có người mất 129 triệu.")).toBe(
      "Đã có người mất hơn hai tỷ đồng, có người mất một trăm hai mươi chín triệu.",
    );
  });

  it("reads dates day first, with 'mùng' for the first ten days and 'tháng tư' for April", () => {
    expect(speakable("Hạn nộp: 15/08/2026 lúc 07:30.")).toBe(
      "Hạn nộp: ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi sáu lúc bảy giờ ba mươi.",
    );
    expect(speakable("Hạn nộp: 15/8/2026.")).toBe("Hạn nộp: ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi sáu.");
    expect(speakable("Hẹn 15.8.2026 nhé.")).toBe("Hẹn ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi sáu nhé.");
    expect(speakable("Hạn 2026-08-15.")).toBe("Hạn ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi sáu.");
    expect(speakable("Từ 1/3/2026, luật có hiệu lực.")).toBe(
      "Từ ngày mùng một tháng ba năm hai nghìn không trăm hai mươi sáu, luật có hiệu lực.",
    );
    expect(speakable("Hạn nộp là 15/3.")).toBe("Hạn nộp là ngày mười lăm tháng ba.");
    expect(speakable("Chào mừng Quốc khánh 2/9.")).toBe("Chào mừng Quốc khánh ngày mùng hai tháng chín.");
    expect(speakable("Thẻ hiện hạn ngày 31/12.")).toBe("Thẻ hiện hạn ngày ba mươi mốt tháng mười hai.");
    expect(speakable("Sau sáp nhập từ tháng 7/2025.")).toBe("Sau sáp nhập từ tháng bảy năm hai nghìn không trăm hai mươi lăm.");
  });

  it("does not say 'ngày', 'mùng' or 'tháng' twice", () => {
    expect(speakable("Ngày 24/4/2026 bác đến.")).toBe("Ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi sáu bác đến.");
    expect(speakable("Ngày: 05/08/2026")).toBe("Ngày: mùng năm tháng tám năm hai nghìn không trăm hai mươi sáu.");
    expect(speakable("Từ mùng 2/9.")).toBe("Từ mùng hai tháng chín.");
    expect(speakable("Từ tháng 4/2026.")).toBe("Từ tháng tư năm hai nghìn không trăm hai mươi sáu.");
  });

  it("reads document numbers as a number and its year", () => {
    expect(speakable("(Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15.)")).toBe(
      "Theo Luật Bảo vệ dữ liệu cá nhân số chín mươi mốt năm hai nghìn không trăm hai mươi lăm, QH mười lăm.",
    );
    expect(speakable("Thông tư 02/2025 của Bộ.")).toBe("Thông tư hai năm hai nghìn không trăm hai mươi lăm của Bộ.");
    expect(speakable("Hỗ trợ 24/7.")).toBe("Hỗ trợ hai mươi tư trên bảy.");
  });

  it("reads times of day", () => {
    expect(speakable("Mở cửa từ 17h đến 21h30.")).toBe("Mở cửa từ mười bảy giờ đến hai mươi mốt giờ ba mươi.");
    expect(speakable("Hẹn 7:05 sáng, về lúc 18:00.")).toBe("Hẹn bảy giờ năm phút sáng, về lúc mười tám giờ.");
    expect(speakable("Nộp phạt trước 17 giờ hôm nay.")).toBe("Nộp phạt trước mười bảy giờ hôm nay.");
    expect(speakable("Nghỉ trưa 11h30–13h, họp 10h-11h.")).toBe(
      "Nghỉ trưa mười một giờ ba mươi đến mười ba giờ, họp mười giờ đến mười một giờ.",
    );
  });

  it("reads ranges, ordinals, versions and digits inside words", () => {
    expect(speakable("Từ năm học 2025–2026, học sinh được miễn học phí.")).toBe(
      "Từ năm học hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm hai mươi sáu, học sinh được miễn học phí.",
    );
    expect(speakable("Chụp 3–4 góc, chờ 12-18 tháng.")).toBe("Chụp ba đến bốn góc, chờ mười hai đến mười tám tháng.");
    expect(speakable("Thứ 4 và thứ 2, câu thứ 1, tháng 4.")).toBe("Thứ tư và thứ hai, câu thứ nhất, tháng tư.");
    expect(speakable("Cần VssID từ bản 1.6.7 trở lên, VNeID từ bản 2.1.10.")).toBe(
      "Cần VssID từ bản một chấm sáu chấm bảy trở lên, VNeID từ bản hai chấm một chấm mười.",
    );
    expect(speakable("Dùng Wi-Fi hoặc 4G. Cô giáo lớp 3A.")).toBe("Dùng Wi-Fi hoặc bốn G. Cô giáo lớp ba A.");
    expect(speakable("Bác đếm kỹ các số 0.")).toBe("Bác đếm kỹ các số không.");
  });

  it("reads numbered option lines as 'Một: …', whichever way they are written", () => {
    expect(speakable("Bác đã thấy nút chưa?\n1. Đã thấy\n2. Chưa thấy\n10. Khác")).toBe(
      "Bác đã thấy nút chưa? Một: Đã thấy. Hai: Chưa thấy. Mười: Khác.",
    );
    expect(speakable("1) Học tiếp\n2) Chọn bài khác")).toBe("Một: Học tiếp. Hai: Chọn bài khác.");
    expect(speakable("1️⃣ Có\n2️⃣ Không\n🔟 Khác")).toBe("Một: Có. Hai: Không. Mười: Khác.");
    expect(speakable("Bấm 3️⃣ để nghe")).toBe("Bấm ba để nghe.");
  });

  it("drops emoji with their skin tones, joiners, flags and variation selectors", () => {
    expect(speakable("Đúng rồi! 👏🏽 Bác giỏi quá 👨‍👩‍👧 🇻🇳")).toBe("Đúng rồi! Bác giỏi quá.");
    expect(speakable("⚠️ Cẩn thận ❤️")).toBe("Cẩn thận.");
    expect(speakable("🎉 Chúc mừng bác! 🌟")).toBe("Chúc mừng bác!");
    expect(speakable("👍🎉")).toBe("");
  });

  it("drops markup: bold, code, bullets, check boxes, quotes, headings", () => {
    expect(speakable("**Bác có thể gõ:**\n• **tiếp**: sang bước sau\n• `menu`: danh sách chủ đề")).toBe(
      "Bác có thể gõ: tiếp: sang bước sau. menu: danh sách chủ đề.",
    );
    expect(speakable("> Gợi ý: Bác nhìn kỹ.")).toBe("Gợi ý: Bác nhìn kỹ.");
    expect(speakable("## Bước 1: Mở ứng dụng")).toBe("Bước một: Mở ứng dụng.");
    expect(speakable("- [ ] Vào nộp phạt\n- [x] Không vào")).toBe("Vào nộp phạt. Không vào.");
    expect(speakable("- Đã thấy\n  ◦ Dòng con\n* Mục sao")).toBe("Đã thấy. Dòng con. Mục sao.");
    expect(speakable("Điền các ô có dấu *")).toBe("Điền các ô có dấu sao.");
    expect(speakable("Chạm nút có dấu cộng (**+**).")).toBe("Chạm nút có dấu cộng.");
    expect(speakable("Mẹ nói: “Con ơi, về đi”")).toBe("Mẹ nói: Con ơi, về đi.");
  });

  it("never reads a web address out: 'đường dẫn', or nothing after the word link", () => {
    expect(speakable("Xem thêm tại https://dichvucong.gov.vn/p/home/dvc-trang-chu.html.")).toBe("Xem thêm tại đường dẫn.");
    expect(speakable("Bấm vào đường link https://abc.xyz/nhan-qua?id=1 để nhận quà")).toBe("Bấm vào đường link để nhận quà.");
    expect(speakable("Vào www.facebook.com/abc, rồi đăng nhập.")).toBe("Vào đường dẫn, rồi đăng nhập.");
    expect(speakable("Mở [Cổng Dịch vụ công](https://dichvucong.gov.vn) nhé")).toBe("Mở Cổng Dịch vụ công nhé.");
    expect(speakable("Kiểm tra tại: https://hoc.example.vn/cert/K7M2XQ9ABC")).toBe("Kiểm tra tại: đường dẫn.");
  });

  it("reads the site names the lessons teach the way people say them", () => {
    expect(speakable("Tên phải đúng là dichvucong.gov.vn, phần cuối là **.gov.vn**.")).toBe(
      "Tên phải đúng là dichvucong chấm gov chấm vn, phần cuối là chấm gov chấm vn.",
    );
    expect(speakable("Trang dichvucongs[.]top là giả.")).toBe("Trang dichvucongs chấm top là giả.");
    expect(speakable("Bác vào vneid-capnhat[.]top ngay.")).toBe("Bác vào vneid gạch ngang capnhat chấm top ngay.");
    expect(speakable("Kiểm tra ở tinnhiemmang.vn/website-lua-dao nhé.")).toBe("Kiểm tra ở tinnhiemmang chấm vn nhé.");
    expect(speakable("Bác tự tra ở csgt.bocongan.gov.vn.")).toBe("Bác tự tra ở csgt chấm bocongan chấm gov chấm vn.");
  });

  it("turns arrows, bars and repeated punctuation into plain pauses", () => {
    expect(speakable("Cài đặt → Màn hình → Cỡ chữ")).toBe("Cài đặt, Màn hình, Cỡ chữ.");
    expect(speakable("(Gõ: nhắc lại · quay lại · menu)")).toBe("Gõ: nhắc lại, quay lại, menu.");
    expect(speakable("Nhắc lại | Quay lại › Menu")).toBe("Nhắc lại, Quay lại, Menu.");
    expect(speakable("Thật không???")).toBe("Thật không?");
    expect(speakable("Ôi!!! Sao vậy?!")).toBe("Ôi! Sao vậy?");
    expect(speakable("Chờ chút……")).toBe("Chờ chút...");
    expect(speakable("Zalo “Cô Lan – Lớp 3A” nhắn.")).toBe("Zalo Cô Lan, Lớp ba A nhắn.");
  });

  it("says the common abbreviations in full, and leaves VNeID to the voice", () => {
    expect(speakable("Mang theo CCCD và thẻ BHYT.")).toBe("Mang theo căn cước công dân và thẻ bảo hiểm y tế.");
    expect(speakable("Từ 1/8/2025, mã số BHXH được gộp.")).toBe(
      "Từ ngày mùng một tháng tám năm hai nghìn không trăm hai mươi lăm, mã số bảo hiểm xã hội được gộp.",
    );
    expect(speakable("Không đọc mã OTP cho ai.")).toBe("Không đọc mã O T P cho ai.");
    expect(speakable("Mở VNeID.")).toBe("Mở VNeID.");
    expect(speakable("Cảnh sát giao thông (CSGT) dừng xe. Cục CSGT không gọi điện.")).toBe(
      "Cảnh sát giao thông dừng xe. Cục cảnh sát giao thông không gọi điện.",
    );
    expect(speakable("Thẻ BHYT (bảo hiểm y tế) có trong ví.")).toBe("Thẻ bảo hiểm y tế có trong ví.");
    expect(speakable("Ghi SĐT và STK. Số điện thoại (SĐT) của bác.")).toBe("Ghi số điện thoại và số tài khoản. Số điện thoại của bác.");
    expect(speakable("Một trường ở TP.HCM.")).toBe("Một trường ở Thành phố Hồ Chí Minh.");
  });

  it("ends each line with a pause, keeps paragraphs as sentences and collapses whitespace", () => {
    expect(speakable("Dòng một\nDòng hai\n\n\nĐoạn mới   có   nhiều   dấu cách")).toBe("Dòng một. Dòng hai. Đoạn mới có nhiều dấu cách.");
    expect(speakable("Bác mở ứng dụng,\r\nrồi bấm Đăng nhập")).toBe("Bác mở ứng dụng, rồi bấm Đăng nhập.");
    expect(speakable("Bác có đồng ý không?\nGõ **1** nếu đồng ý")).toBe("Bác có đồng ý không? Gõ một nếu đồng ý.");
    expect(speakable("")).toBe("");
    expect(speakable("  \n\n \t ")).toBe("");
  });

  it("keeps Vietnamese diacritics whole (NFC), whatever form they came in", () => {
    const decomposed = "Ba\u0301c ho\u0323c bu\u031Bo\u031B\u0301c 2.".normalize("NFD");
    const out = speakable(decomposed);
    expect(out).toBe("Bác học bước hai.");
    expect(out).toBe(out.normalize("NFC"));
  });
});

describe("speakable: every tutor text", () => {
  const texts = [vi, qaVi].flatMap((table) =>
    Object.values(table).flatMap((v) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === "string") : [])),
  );

  it("leaves no digits, markup, emoji, links or bullets for the voice", () => {
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) {
      const out = speakable(t);
      expect(out, t).not.toMatch(/[0-9*`•→]|\p{Extended_Pictographic}|https?:|\s{2}|\n/u);
      expect(out, t).toMatch(/^$|[.!?:;,]$/u);
    }
  });

  it("reads its own output unchanged (nothing left to convert)", () => {
    for (const t of texts) expect(speakable(speakable(t)), t).toBe(speakable(t));
  });

  it("is fast enough to run on every step", () => {
    const long = texts.join("\n\n");
    const start = performance.now();
    for (let i = 0; i < 20; i++) speakable(long);
    expect((performance.now() - start) / 20).toBeLessThan(50);
  });
});

describe("readNumber and readDigits", () => {
  it.each([
    ["0", "không"],
    ["1", "một"],
    ["3", "ba"],
    ["4", "bốn"],
    ["5", "năm"],
    ["10", "mười"],
    ["11", "mười một"],
    ["14", "mười bốn"],
    ["15", "mười lăm"],
    ["20", "hai mươi"],
    ["21", "hai mươi mốt"],
    ["24", "hai mươi tư"],
    ["25", "hai mươi lăm"],
    ["55", "năm mươi lăm"],
    ["101", "một trăm linh một"],
    ["105", "một trăm linh năm"],
    ["110", "một trăm mười"],
    ["115", "một trăm mười lăm"],
    ["1000", "một nghìn"],
    ["1005", "một nghìn không trăm linh năm"],
    ["2026", "hai nghìn không trăm hai mươi sáu"],
    ["10000", "mười nghìn"],
    ["22000", "hai mươi hai nghìn"],
    ["1000000", "một triệu"],
    ["1500000", "một triệu năm trăm nghìn"],
    ["2000000000", "hai tỷ"],
    ["05", "năm"],
  ])("%s → %s", (n, words) => {
    expect(readNumber(n)).toBe(words);
  });

  it("reads a decimal with 'phẩy'", () => {
    expect(readNumber("2", "5")).toBe("hai phẩy năm");
    expect(readNumber("0", "05")).toBe("không phẩy không năm");
    expect(readNumber("3", "14")).toBe("ba phẩy mười bốn");
  });

  it("reads digits one by one, in their plain names", () => {
    expect(readDigits("0912")).toBe("không chín một hai");
    expect(readDigits("115")).toBe("một một năm");
    expect(readDigits("5656")).toBe("năm sáu năm sáu");
    expect(readDigits("1-4")).toBe("một bốn");
  });
});
