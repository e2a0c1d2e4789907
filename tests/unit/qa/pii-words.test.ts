import { describe, expect, it } from "vitest";
import { redactPii } from "../../../src/qa/pii.js";

// Sentences written for these tests: personal data written in words, and ordinary sentences that must stay.

describe("personal data written in words is redacted", () => {
  it.each([
    ["tôi tên là Nguyễn Thị Hoa, muốn hỏi VNeID", "Nguyễn Thị Hoa", "[TÊN]"],
    ["toi ten la tran van binh o xa an phu", "tran van binh", "[TÊN]"],
    ["Chào cháu, tôi là bà Lê Thị Thu, 70 tuổi", "Lê Thị Thu", "[TÊN]"],
    ["họ tên: Phạm Minh Đức", "Phạm Minh Đức", "[TÊN]"],
    ["nhà tôi ở số 12 ngõ 34 phố Hàng Bông, Hà Nội", "số 12 ngõ 34 phố Hàng Bông", "[ĐỊA CHỈ]"],
    ["nha o so 5 duong le loi phuong ben thanh", "so 5 duong le loi", "[ĐỊA CHỈ]"],
    ["địa chỉ nhà tôi là thôn Đông, xã Yên Phú", "thôn Đông", "[ĐỊA CHỈ]"],
    ["nhà bác ở 45 Trần Phú, phường 4, quận 5 thì nộp ở đâu", "45 Trần Phú", "[ĐỊA CHỈ]"],
    ["toi o 17 nguyen van cu quan 5, doi dia chi tren vneid", "17 nguyen van cu", "[ĐỊA CHỈ]"],
    ["tôi sinh ngày 12/03/1958, về hưu rồi", "12/03/1958", "[NGÀY SINH]"],
    ["ngay sinh 5-7-1962 co can khai khong", "5-7-1962", "[NGÀY SINH]"],
    ["ngay sinh toi 05-08-1949, dang nhap vneid no bat nhap gi nua", "05-08-1949", "[NGÀY SINH]"],
    ["ngày sinh của bà là 3 tháng 4 năm 1952", "3 tháng 4 năm 1952", "[NGÀY SINH]"],
    ["điền 20.11.1955 vào ô nào", "20.11.1955", "[NGÀY SINH]"],
    ["mã OTP là bốn bảy không hai chín tám", "bốn bảy không hai chín tám", "[OTP]"],
    // A number plate names the vehicle's owner.
    ["Biển số xe tôi 99A-999.99, bị phạt bao nhiêu vậy?", "99A-999.99", "[BIỂN SỐ]"],
    ["bien so 30a 12345 co bi phat nguoi ko", "30a 12345", "[BIỂN SỐ]"],
    ["ma xac thuc 7 3 9 1 0 5 bao het han", "7 3 9 1 0 5", "[OTP]"],
    // "thị" and "văn" are middle names, not "thì" and "văn bản".
    ["ten toi la tran thi lan, so dt gi cung duoc", "tran thi lan", "[TÊN]"],
    ["toi ten nguyen thi mai thi muon hoi vneid", "nguyen thi mai", "[TÊN]"],
    // A given name alone, capitalised, after "tôi tên".
    ["tôi tên Hoa, sinh 1955, ở Thái Bình", "Hoa", "[TÊN]"],
    // The street after the lane, named without "đường": the whole line goes.
    ["nhà tôi ở số 12 ngõ 45 Nguyễn Trãi, quận Thanh Xuân, có người gửi hàng lạ", "Nguyễn Trãi", "[ĐỊA CHỈ]"],
  ])("%s", (text, secret, placeholder) => {
    const r = redactPii(text);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain(placeholder);
  });

  it.each([
    "tôi là người cao tuổi, không rành điện thoại",
    "năm nay tôi 68 tuổi, nhận lương hưu ở đâu",
    "số 1 là gì vậy cháu",
    "một hai ngày nữa mới có kết quả à",
    "tôi tên gì thì điền vào ô nào",
    "ten toi thi dien vao o nao",
    "tên tôi trên VNeID bị sai dấu thì sửa ở đâu",
    "Tên tôi bị viết sai trên thẻ BHYT",
    "toi ten tren giay to bi sai thi lam sao",
    "đường link này có phải lừa đảo không",
    "tôi ở 2 năm ở quận 3 rồi mà chưa đăng ký tạm trú",
    "mat 2 trieu o 3 ngan hang, phuong nao giai quyet",
    "luật có hiệu lực từ 01/07/2025 phải không",
    "bà sinh năm 1948 thì có được nhận không",
    "chuyển 10tr lúc 11h, phí 500k",
    // A web address is not where someone lives: the link rules must see it.
    "thay trang vietcombank ma dia chi la vietcombank-hotro.xyz, vay la trang that hay gia",
    "địa chỉ là https://dichvucong.gov.vn phải không",
  ])("leaves an ordinary sentence alone: %s", (text) => {
    expect(redactPii(text).text).toBe(text);
  });
});
