import { quoted } from "../tutor/texts.vi.js";

// Fixed texts of the question pipeline (Vietnamese). Calm, short sentences; the same every time,
// so no model can change what a scared learner reads.

/** The first line of every scam warning, before a loss or after it. */
const SCAM_OPENING = "🚨 Việc bác kể có dấu hiệu **lừa đảo**. Bác cứ bình tĩnh nhé.";

export const qaVi = {
  secretWarning:
    "⚠️ Bác vừa gửi mã OTP hoặc mật khẩu. Bác đừng gửi những mã này cho bất kỳ ai, kể cả tôi.\nNếu đó là mã thật, bác hãy đổi mật khẩu ngay. Tôi đã che mã đi, không lưu lại.",
  piiNotice: "🔒 Tôi đã che số giấy tờ, số điện thoại hoặc số tài khoản bác gửi. Khi hỏi, bác không cần gửi những số này.",
  scamWarning: `${SCAM_OPENING}\n• Không chuyển tiền. Không đọc mã OTP. Không bấm vào đường link.\n• Bác cúp máy, rồi tự gọi lại số chính thức: số in trên thẻ ngân hàng, hoặc đến công an xã, phường.\n• Công an không giải quyết vụ việc, không đòi tiền hay mã số qua điện thoại. Công an chỉ hỗ trợ kích hoạt VNeID trực tiếp.\n• Chỉ cài ứng dụng từ CH Play hoặc App Store.\n• Báo tin nhắn rác: nhắn tới 5656. Phản ánh cuộc gọi lừa đảo: 156. Khẩn cấp: gọi 113.`,
  scamLost: `${SCAM_OPENING}\nBác làm ngay các việc này:\n• Không chuyển thêm đồng nào, dù họ hứa trả lại hay dọa dẫm.\n• Gọi ngay số tổng đài in trên thẻ ngân hàng. Bác nói mình bị lừa, nhờ ngân hàng kiểm tra và chặn lại giúp.\n• Giữ nguyên tin nhắn, biên lai. Không xóa gì cả.\n• Đến công an xã, phường trình báo, hoặc báo trong VNeID.\n• Kể cho con cháu biết để được giúp sớm.`,
  scamLesson: (title: string) => `📘 Bài nên học ngay: ${title}.`,
  refuse: "Xin lỗi bác, tôi không giúp việc này được. Tôi chỉ hướng dẫn dùng dịch vụ số an toàn.\nBác gõ **menu** để chọn bài học nhé.",
  support:
    "Tôi rất tiếc vì bác đang khổ tâm như vậy. Bác không phải chịu một mình đâu.\n• Bác hãy nói ngay với người thân, hoặc một người bác tin cậy.\n• Nếu bác hoặc ai đó đang gặp nguy hiểm, gọi ngay 115 (cấp cứu).\n• Trẻ em, người trẻ cần giúp đỡ có thể gọi 111 (miễn phí).\n• Nếu bác bị lừa mất tiền: báo ngân hàng và công an xã, phường càng sớm càng tốt.",
  redirect:
    "Tôi là trợ lý học số. Tôi giúp bác dùng VNeID, dịch vụ công, bảo hiểm, thanh toán trên điện thoại, nhận biết lừa đảo và dùng AI an toàn.\nBác muốn hỏi điều gì về những việc này ạ?",
  offtopic:
    "Câu này nằm ngoài những gì tôi dạy ạ. Tôi giúp bác về VNeID, dịch vụ công, bảo hiểm, thanh toán, phòng lừa đảo và AI.\nBác gõ **menu** để xem các bài học nhé.",
  feelings:
    "Tôi nghe bác nói mà thương bác. Lúc buồn, bác gọi điện hay gọi video cho con cháu, hoặc sang chơi với hàng xóm một lúc nhé.\nNếu bác muốn, tôi chỉ bác cách lập nhóm Zalo gia đình để nhắn tin, xem ảnh con cháu mỗi ngày: bác gõ **menu**, rồi chọn chủ đề Gia đình số.",
  emergency:
    "Nếu có người đang gặp nguy hiểm, bác gọi ngay **115** (cấp cứu).\nTôi không tư vấn được về sức khỏe. Khi mọi người đã an toàn, bác hỏi bác sĩ hoặc trạm y tế xã, phường nhé.",
  advice:
    "Tôi không tư vấn về đầu tư, sức khỏe hay pháp luật. Bác nên hỏi người có chuyên môn: bác sĩ, luật sư, ngân hàng, hoặc cán bộ xã, phường.\nTuyệt đối không chuyển tiền theo lời mời đầu tư lãi cao.",
  noLesson:
    "Tôi chưa có bài nào nói về việc này. Tôi không muốn đoán, sợ bác làm sai.\n• Bác hỏi Tổ công nghệ số cộng đồng, hoặc cán bộ ở xã, phường.\n• Hoặc xem trang chính thức của cơ quan lo việc đó, có đuôi .gov.vn.\nTôi đã ghi lại câu hỏi để người soạn bài bổ sung. Bác gõ **menu** để xem các bài đang có nhé.",
  unsure:
    "Tôi chưa chắc bài nào trả lời đúng câu hỏi này. Tôi không muốn đoán, sợ bác làm sai.\nBài học dưới đây gần với câu hỏi nhất. Bác chọn số để học. Hoặc bác hỏi Tổ công nghệ số cộng đồng, cán bộ ở xã, phường.",
  inShort: (summary: string) => `Tóm lại: ${summary}`,
  fromLesson: (title: string) => `📖 Theo bài ${quoted(title)}:`,
  citation: (title: string, checked?: string) =>
    checked ? `Nguồn: bài ${quoted(title)} (kiểm tra ngày ${checked}).` : `Nguồn: bài ${quoted(title)}.`,
  quizHintNote: "Câu đố đang chờ bác trả lời. Tôi chỉ gợi ý, bác tự chọn đáp án nhé.",
  dailyCap: "Hôm nay bác đã hỏi nhiều rồi. Tôi trả lời từ bài học nhé.",
  budgetUsed: "Hôm nay nhiều người hỏi quá. Tôi trả lời từ bài học nhé.",
  truncated: "(Tin nhắn dài quá, tôi chỉ đọc phần đầu.)",
  empty: "Bác muốn hỏi gì ạ? Bác gõ câu hỏi sau chữ “hỏi”, ví dụ: hỏi mã OTP là gì",
};
