import { VN_OFFSET_MS, vnDayNumber } from "../time.js";
import { isoWeekday } from "./hours.js";

// Every sentence of the hand-off to a person, in Vietnamese: what the learner reads (short sentences, warm, "bác"),
// and what the community digital team reads in its group.

const WEEKDAYS = ["", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"];

/** "7 giờ 30 sáng thứ Hai (14/12)", "1 giờ chiều hôm nay", "7 giờ 30 sáng mai (thứ Ba, 8/12)". */
export function whenInWords(at: number, now: number): string {
  const local = new Date(at + VN_OFFSET_MS);
  const h = local.getUTCHours();
  const m = local.getUTCMinutes();
  const period = h < 11 ? "sáng" : h < 13 ? "trưa" : h < 18 ? "chiều" : "tối";
  const h12 = h > 12 ? h - 12 : h;
  const time = `${h12} giờ${m ? ` ${m}` : ""} ${period}`;
  const day = vnDayNumber(at);
  const date = `${local.getUTCDate()}/${local.getUTCMonth() + 1}`;
  const weekday = WEEKDAYS[isoWeekday(day)];
  const diff = day - vnDayNumber(now);
  if (diff === 0) return `${time} hôm nay`;
  if (diff === 1) return `${time} mai (${weekday}, ${date})`;
  return `${time} ${weekday} (${date})`;
}

export type HandoffReason = "asked" | "no_lesson" | "not_understood" | "scam";

/** Why a ticket was opened, as staff and the dashboard read it. */
export const REASONS: Record<HandoffReason, string> = {
  asked: "người học xin gặp cán bộ",
  no_lesson: "chưa có bài trả lời câu hỏi",
  not_understood: "người học nói chưa hiểu hai lần",
  scam: "người học kể chuyện có dấu hiệu lừa đảo",
};

export const handoffVi = {
  // ── for the learner ──
  offerLabel: "👤 Gặp cán bộ hỗ trợ",
  stillHard: "Bác vẫn thấy khó phải không ạ? Cán bộ có thể giúp bác.",
  consentAsk:
    "👤 **Gặp cán bộ hỗ trợ**\nTôi sẽ nối bác với cán bộ của Tổ công nghệ số cộng đồng. Đó là người thật.\nNhững gì bác viết sau đây sẽ được gửi tới cán bộ, cho đến khi cán bộ kết thúc hỗ trợ.\n\n🔒 **Cán bộ nhận được:** số phiếu, ứng dụng bác đang nhắn, một mã số thay cho tên bác, bài và bước bác đang học, vài câu bác hỏi trong một giờ qua. Số điện thoại, số giấy tờ, số tài khoản, mã OTP đều được che đi. Cán bộ không thấy tên hay số điện thoại của bác.\nCán bộ chỉ dùng những tin này để giúp bác.\n**Lưu bao lâu?** Hệ thống xóa nội dung tin nhắn trong vòng một ngày sau khi đã chuyển. Phiếu (giờ gửi, giờ trả lời, tên bài) được giữ 6 tháng. Gõ **xóa dữ liệu** để xóa hết.\n\nBác có đồng ý không?",
  consentOptions: ["Đồng ý, gặp cán bộ", "Không, cảm ơn"],
  declined: "Vâng ạ. Khi cần, bác gõ **gặp cán bộ** lúc nào cũng được.",
  opened: (n: number) =>
    `✅ Tôi đã gửi phiếu số **${n}** tới cán bộ.\nBác cứ viết điều bác cần giúp. Cán bộ sẽ đọc và trả lời bác ngay tại đây.`,
  soon: "Cán bộ sẽ trả lời bác sớm.",
  outsideHours: (when: string) => `Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời bác từ ${when}.`,
  meanwhile: "Trong lúc chờ, bác gõ **tiếp** để học tiếp, hoặc **menu** để chọn bài.",
  relayed: (n: number) => `📨 Tôi đã chuyển lời bác tới cán bộ (phiếu số ${n}).`,
  staffAnswer: (text: string) => `👤 **Cán bộ hỗ trợ:** ${text}`,
  closed: (n: number) =>
    `👤 Cán bộ đã kết thúc hỗ trợ (phiếu số ${n}). Cảm ơn bác!\nBác gõ **tiếp** để học tiếp, hoặc **menu** để chọn bài.`,
  alreadyOpen: (n: number) => `Phiếu số ${n} của bác đang mở. Bác cứ viết, cán bộ sẽ đọc và trả lời bác.`,
  dailyLimit:
    "Hôm nay bác đã gửi nhiều phiếu rồi. Bác thử lại vào ngày mai nhé.\nNếu cần gấp, bác đến Tổ công nghệ số cộng đồng, hoặc hỏi cán bộ ở xã, phường.",
  unavailable:
    "Ở đây tôi chưa nối được bác với cán bộ. Bác có thể:\n• Hỏi Tổ công nghệ số cộng đồng, hoặc cán bộ ở xã, phường.\n• Nếu nghi bị lừa: báo tin nhắn rác tới 5656, phản ánh cuộc gọi lừa đảo tới 156. Khẩn cấp: gọi 113.\nBác gõ **menu** để xem các bài học nhé.",

  // ── for the staff group ──
  ticket: (t: { n: number; channel: string; who: string; reason: HandoffReason; lesson?: string; step?: number; recent: string[] }) =>
    [
      `🎫 **Phiếu #${t.n}** · ${t.channel} · người học ${t.who}`,
      `Lý do: ${REASONS[t.reason]}`,
      t.lesson ? `Bài: ${t.lesson}${t.step ? ` (bước ${t.step})` : ""}` : "Bài: (lúc này không học bài nào)",
      t.recent.length
        ? `Tin nhắn gần đây (đã che thông tin cá nhân):\n${t.recent.map((r) => `• ${r}`).join("\n")}`
        : "Người học chưa viết gì thêm.",
      `Trả lời: trả lời (reply) tin này, hoặc gõ /tl ${t.n} nội dung. Đóng phiếu: bấm nút dưới đây, hoặc gõ /dong ${t.n}.`,
    ].join("\n"),
  closeButton: (n: number) => `Đóng phiếu #${n}`,
  relay: (n: number, text: string) => `💬 **Phiếu #${n}**: ${text}`,
  webNote: "(Người học dùng trang web: câu trả lời hiện ra khi họ nhắn tiếp trong vòng 1 giờ.)",
  reminder: (n: number, minutes: number) => `⏰ **Phiếu #${n}** đã chờ hơn ${minutes} phút mà chưa có ai trả lời.`,
  staffClosed: (n: number) => `✅ Đã đóng phiếu #${n}.`,
  erased: (n: number) => `🗑️ Phiếu #${n} đã đóng: người học vừa xóa dữ liệu của mình. Tin trả lời sẽ không tới được người học.`,
  notFound: (n: number) => `Không tìm thấy phiếu #${n}.`,
  alreadyClosed: (n: number) => `Phiếu #${n} đã đóng. Tin của anh/chị chưa được gửi tới người học.`,
  usage: "Cách dùng: trả lời (reply) tin của phiếu, hoặc gõ /tl <số phiếu> nội dung. Đóng phiếu: /dong <số phiếu>.",
};
