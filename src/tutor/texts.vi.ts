// Every sentence a learner reads from the tutor engine, in one place (Vietnamese).
// Short sentences, warm and polite; "bác" is the default form of address for our learners.

import type { QuickAction } from "./replies.js";

/** A title in quotation marks, unless it has its own ("“Công an gọi điện”: …" is not quoted twice). */
export const quoted = (title: string) => (/[“”"]/.test(title) ? title : `“${title}”`);

export const vi = {
  greeting:
    "Xin chào bác! 👋 Tôi là trợ lý học số **Bình dân học AI**.\nTôi là chương trình máy tính, không phải người thật.\nTôi sẽ hướng dẫn bác dùng điện thoại an toàn, làm thủ tục trên mạng, từng bước nhỏ một.",
  consentQuestion:
    "Để nhớ bác đã học đến đâu, tôi lưu **tiến độ học** (bài nào, bước nào). Tôi **không** lưu nội dung tin nhắn.\nBác có đồng ý không? (Gõ **bảo mật** để đọc kỹ hơn.)",
  consentOptions: ["Đồng ý", "Không đồng ý"],
  consentYes: "Cảm ơn bác! Tôi sẽ nhớ tiến độ để bác học tiếp lúc nào cũng được.",
  consentNo: "Không sao ạ. Tôi sẽ không lưu kết quả học của bác. Tôi chỉ nhớ bác đang ở bước nào để dạy tiếp.",
  consentAskAgain: "Bác gõ **1** nếu đồng ý, gõ **2** nếu không đồng ý nhé.",

  menuTitle: "📚 Bác muốn học chủ đề nào? Bác gõ số để chọn.",
  menuResumeHint: (lesson: string, step: number, total: number) =>
    `Bác đang học dở bài ${quoted(lesson)} (bước ${step}/${total}). Gõ **tiếp** để học tiếp.`,
  trackLabel: (emoji: string | undefined, title: string, done: number, total: number) =>
    `${emoji ? `${emoji} ` : ""}${title}${done > 0 ? ` (${done}/${total} ✅)` : ""}`,
  trackTitle: (title: string, description: string, count: number) =>
    `**${title}**\n${description}\nChủ đề này có ${count} bài. Bác gõ số để chọn bài.`,
  lessonLabel: (title: string, status: "done" | "doing" | "new") => `${status === "done" ? "✅ " : status === "doing" ? "▶️ " : ""}${title}`,
  emptyCurriculum: "Hiện chưa có bài học nào. Bác quay lại sau nhé.",

  lessonIntro: (title: string, minutes: number, intro: string) => `📘 **${title}**\n(Khoảng ${minutes} phút)\n\n${intro}`,
  lessonRequires: (titles: string[]) => `Gợi ý: bài này dễ hơn nếu bác đã học: ${titles.map(quoted).join(", ")}.`,
  stepHeading: (kind: "instruction" | "checkpoint" | "quiz", k: number, n: number, title: string) =>
    kind === "instruction"
      ? `**Bước ${k}/${n}: ${title}**`
      : kind === "checkpoint"
        ? `**Kiểm tra (${k}/${n}): ${title}**`
        : `**Câu hỏi (${k}/${n}): ${title}**`,
  realStep:
    "✋ Bước này là **việc thật** (gửi hồ sơ, trả tiền hoặc đổi tài khoản). Khi học, bác chỉ cần xem, **đừng bấm** nếu chưa cần làm thật. Bác gõ **tiếp** để học tiếp.",
  unverified: "⚠️ Thông tin ở bước này đang được kiểm tra lại. Bác hỏi thêm cán bộ xã, phường cho chắc nhé.",
  instructionOptions: ["Xong, tiếp tục", "Giải thích thêm"],
  instructionOptionsNoTip: ["Xong, tiếp tục"],
  quizAsk: "Bác chọn một đáp án (gõ số).",
  checkpointAsk: "Bác gõ số để trả lời.",

  checkpointHelpThenAgain: "Khi làm xong, bác trả lời lại câu này nhé.",
  quizRight: ["Đúng rồi! 👏 Bác giỏi quá.", "Chính xác! 👍", "Rất đúng ạ! 🎉"],
  quizWrong: "Chưa đúng rồi bác ạ. Không sao, bác thử lại nhé.",
  quizHintGeneric: "Bác đọc lại câu hỏi và từng lựa chọn một lượt, rồi chọn lại nhé.",
  quizReveal: (answer: string) => `Đáp án đúng là: **${answer}**.`,
  quizNeedAnswer: "Bác chọn một đáp án bằng cách gõ số nhé.",
  explainNoTip:
    "Bác cứ làm từ từ từng chút một. Nếu vẫn khó, bác nhờ con cháu hoặc cán bộ xã, phường giúp.\nGõ **nhắc lại** để đọc lại bước này.",
  tipPrefix: "💡 ",
  firstStep: "Đây là bước đầu tiên của bài rồi ạ.",

  lessonDone: (title: string) => `🎉 Chúc mừng bác đã học xong bài ${quoted(title)}!`,
  summaryTitle: "**Tóm tắt:**",
  nextLesson: (title: string) => `Bài nên học tiếp: ${quoted(title)}.`,
  allDone: "Bác đã học hết các bài hiện có. Bác thật chăm chỉ! 🌟",
  doneOptions: (next?: string) => (next ? [`Học bài tiếp`, "Về danh sách chủ đề"] : ["Về danh sách chủ đề"]),

  welcomeBack: (lesson: string, step: number, total: number) =>
    `Chào mừng bác quay lại! 😊\nBác đang học dở bài ${quoted(lesson)} (bước ${step}/${total}).`,
  resumeOptions: ["Học tiếp", "Chọn bài khác"],
  paused: "Bác nghỉ ngơi nhé. Tôi đã ghi nhớ chỗ bác đang học.\nKhi muốn học tiếp, bác gõ **tiếp**.",
  pausedNoLesson: "Bác nghỉ ngơi nhé. Khi muốn học, bác gõ **menu**.",
  turnFailed:
    "Xin lỗi bác, tôi vừa gặp trục trặc nên chưa xử lý được tin nhắn này. Bác gửi lại giúp tôi nhé. Nếu vẫn không được, bác gõ **menu**.",
  lessonGone: "Bài bác đang học vừa được thay đổi nên không còn nữa. Tôi xin lỗi vì sự bất tiện. Mời bác chọn bài khác.",

  help: "**Bác có thể gõ:**\n• Số (1, 2, 3…) để chọn\n• **tiếp**: sang bước sau\n• **nhắc lại**: xem lại bước này\n• **quay lại**: về bước trước\n• **không hiểu**: xem giải thích thêm\n• **menu**: danh sách chủ đề\n• **tiến độ**: xem bác đã học đến đâu\n• **đọc to**: nghe đọc bước này\n• **ôn tập**: ôn lại những câu bác từng trả lời sai\n• **kiểm tra**: làm bài kiểm tra khi học xong một chủ đề\n• **dừng**: tạm nghỉ\nGõ không dấu cũng được ạ.",
  progressTitle: "📊 **Tiến độ học của bác**",
  progressDone: (titles: string[]) => `✅ Đã xong (${titles.length}): ${titles.join("; ")}`,
  progressNoneDone: "Bác chưa học xong bài nào. Mình bắt đầu nhé!",
  progressDoing: (title: string, step: number, total: number) => `▶️ Đang học: ${quoted(title)} (bước ${step}/${total})`,
  progressNext: (title: string) => `👉 Bài nên học tiếp: ${quoted(title)}`,
  progressNotStored: "Bác đã chọn không lưu kết quả học, nên tôi chỉ biết bài bác đang học.",
  progressResumeHint: "Gõ **tiếp** để học tiếp, hoặc **menu** để chọn bài.",

  notUnderstood: "Xin lỗi bác, tôi chưa hiểu ý bác.",
  mediaReceived: (media: string) =>
    media === "sticker"
      ? "Cảm ơn bác đã gửi nhãn dán! 😊 Tôi chỉ đọc được chữ thôi ạ."
      : media === "image"
        ? "Tôi đã nhận được hình của bác, nhưng tôi chưa xem được hình. Bác gõ chữ giúp tôi nhé.\n⚠️ Bác đừng gửi ảnh giấy tờ tùy thân cho ai, kể cả tôi."
        : media === "voice"
          ? "Tôi chưa nghe được tin nhắn thoại. Bác gõ chữ giúp tôi nhé."
          : "Tôi chưa đọc được loại tin nhắn này. Bác gõ chữ giúp tôi nhé.",
  /** Shown first when a voice note was understood; then it is acted on as if typed. */
  voiceHeard: (transcript: string) => `🎙️ Cháu nghe bác nói: “${transcript}”`,
  /** A voice note that could not be understood: the learner keeps their place and may type instead. */
  voiceProblem: {
    too_long: "Tin nhắn thoại của bác dài quá (hơn 2 phút), tôi chưa nghe được. Bác nói ngắn lại, hoặc gõ chữ giúp tôi nhé.",
    too_big: "Tin nhắn thoại của bác lớn quá, tôi chưa nghe được. Bác nói ngắn lại, hoặc gõ chữ giúp tôi nhé.",
    empty: "Tôi chưa nghe rõ lời nào trong tin nhắn thoại. Bác nói lại gần điện thoại hơn, hoặc gõ chữ giúp tôi nhé.",
    unavailable: "Xin lỗi bác, lúc này tôi chưa nghe được tin nhắn thoại. Bác gõ chữ giúp tôi nhé.",
  },
  hintChoose: (max: number) =>
    max === 1 ? "Bác gõ số 1 để chọn, hoặc gõ **trợ giúp**." : `Bác gõ một số từ 1 đến ${max} để chọn, hoặc gõ **trợ giúp**.`,
  hintStep: "Bác gõ **tiếp** khi làm xong, **nhắc lại** để xem lại, hoặc **trợ giúp**.",
  hintGeneral: "Bác gõ **menu** để chọn bài học, hoặc **trợ giúp** để xem cách dùng.",
  numberOutOfRange: (max: number) => (max === 1 ? "Ở đây chỉ có số 1 thôi ạ." : `Bác chọn số từ 1 đến ${max} thôi ạ.`),

  afterAnswerHint: "Bác gõ số để chọn, hoặc hỏi tiếp.",
  learnOffer: (title: string) => `📘 Học bài: ${title.length > 28 ? `${title.slice(0, 27)}…` : title}`,
  continueLesson: "Học tiếp bài đang học",
  feedbackOptions: ["👍 Có ích", "👎 Chưa đúng ý"],
  thanksUp: "Cảm ơn bác! 😊",
  thanksDown: "Cảm ơn bác đã góp ý. Người soạn bài sẽ xem lại câu này.",

  privacy:
    "🔒 **Tôi lưu gì về bác?**\n• Tiến độ học: bài nào, bước nào, câu đố đúng hay sai, câu cần ôn lại, kết quả bài kiểm tra, thời gian học. Chỉ lưu khi bác đồng ý.\n• Câu hỏi bác gửi, sau khi đã che số giấy tờ, số điện thoại, mã OTP, mật khẩu. Để người soạn bài cải thiện bài học.\n• Tên gọi bác chọn ghi trên giấy chứng nhận (nếu có).\n• Nếu bác gặp cán bộ: số phiếu, giờ gửi, giờ trả lời, tên bài. Tin nhắn gửi cán bộ đã che thông tin cá nhân, và được xóa trong vòng một ngày sau khi chuyển.\n• Tôi **không** lưu nội dung trò chuyện, không lưu tên hay số điện thoại của bác.\n\n**Để làm gì?** Để bác học tiếp đúng chỗ, và để chương trình biết bài nào khó mà sửa.\n**Bao lâu?** Tiến độ học: đến khi bác xóa. Câu hỏi, phiếu gặp cán bộ: tối đa 6 tháng.\n**Xóa thế nào?** Gõ **xóa dữ liệu**: tôi xóa hết ngay, không giữ lại gì.\n(Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15.)",
  deleteAsk:
    "Bác có chắc muốn **xóa toàn bộ dữ liệu** của bác không?\nTôi sẽ xóa tiến độ học, câu hỏi, giấy chứng nhận, lời nhắc và phiếu gặp cán bộ. Không lấy lại được.",
  deleteOptions: ["Xóa hết dữ liệu", "Không xóa"],
  deleteDone: "Tôi đã xóa toàn bộ dữ liệu của bác. 🙏\nNếu muốn học lại từ đầu, bác gõ **xin chào** bất cứ lúc nào.",
  deleteCancelled: "Dữ liệu của bác vẫn được giữ nguyên ạ.",
  remindersAsk:
    "Bác có muốn tôi **nhắc học** khi bác lâu không vào không?\nTôi nhắc nhiều nhất một lần mỗi đợt, chỉ từ 8 giờ sáng đến 8 giờ tối.",
  remindersOptions: ["Có, nhắc tôi", "Không cần"],
  readAloudOn: "Vâng. Từ giờ, mỗi bước học tôi gửi kèm tiếng đọc. Gõ **tắt đọc to** để thôi.",
  readAloudOff: "Vâng, tôi thôi đọc to. Khi muốn nghe một bước, bác gõ **đọc to**.",
  /** The channel cannot play audio, or no speech endpoint is set up: said each time it is asked, never a link. */
  readAloudUnavailable: "Xin lỗi bác, ở đây tôi chưa đọc to được. Bác xem chữ giúp tôi nhé.",
  /** The speech endpoint failed or timed out: the text is there, the learner may ask again later. */
  readAloudFailed: "Xin lỗi bác, lúc này tôi chưa đọc to được. Bác xem chữ giúp tôi nhé. Lát nữa bác gõ **đọc to** để thử lại.",
  remindersOn: "Vâng, tôi sẽ nhắc bác nhẹ nhàng khi bác lâu không học. Gõ **dừng nhắc** để tắt.",
  remindersOff: "Vâng, tôi sẽ không nhắc bác nữa. Gõ **bật nhắc** nếu bác đổi ý.",
  remindersNeedConsent: "Để nhắc bác, tôi cần bác đồng ý lưu tiến độ học. Bác gõ **xin chào** để chọn lại nhé.",
  reminder: (lesson?: string) =>
    `Chào bác! 😊 Mấy hôm nay bác chưa học tiếp.${lesson ? ` Bài ${quoted(lesson)} đang chờ bác.` : ""}\nBác gõ **tiếp** để học tiếp nhé.\n(Gõ “dừng nhắc” nếu bác không muốn nhận nhắc nữa.)`,
  certAskName: (track: string) =>
    `🎓 Bác đã học xong cả chủ đề ${quoted(track)}! Bác được cấp **giấy chứng nhận**.\nBác muốn ghi tên gọi nào trên giấy? (Ví dụ: Lan.)\nGõ **bỏ qua** nếu không muốn ghi tên.`,
  certNameInvalid: "Bác gõ tên gọi ngắn thôi, chỉ chữ cái, ví dụ: Lan. Hoặc gõ **bỏ qua**.",
  certIssued: (track: string, date: string, code: string, name?: string, url?: string) =>
    `🎓 **Giấy chứng nhận**\n${name ? `Người học: ${name}\n` : ""}Đã hoàn thành chủ đề: ${quoted(track)}\nNgày: ${date}\nMã xác nhận: **${code}**${url ? `\nKiểm tra tại: ${url}` : ""}`,

  // Reviews ("ôn tập"), the test before a certificate, and how well each lesson is known.
  reviewNeedConsent: "Bác đã chọn không lưu kết quả học, nên tôi không giữ câu nào để bác ôn lại. Bác gõ **xin chào** nếu muốn chọn lại.",
  reviewNothing: "Bác chưa có câu nào cần ôn. 😊\nKhi bác trả lời sai một câu hỏi, vài hôm sau tôi sẽ hỏi lại câu đó để bác nhớ lâu.",
  reviewNoneDue: (date: string) => `Hôm nay bác chưa có câu nào cần ôn. 😊\nCâu ôn tập tiếp theo vào ngày ${date}.`,
  reviewIntro: (n: number, more: number) =>
    `📝 **Ôn tập**: ${n} câu${more > 0 ? ` (còn ${more} câu cho lần sau)` : ""}.\nMỗi câu bác trả lời một lần. Sai cũng không sao ạ.`,
  drillHeading: (mode: "review" | "test", k: number, n: number, title: string) =>
    `**${mode === "review" ? "Ôn tập" : "Bài kiểm tra"} (${k}/${n}): ${title}**`,
  drillNoHint: "Câu này không có gợi ý ạ. Bác cứ chọn theo trí nhớ, rồi tôi sẽ cho bác biết đáp án đúng.",
  drillWrong: (answer: string) => `Chưa đúng rồi bác ạ. Đáp án đúng là: **${answer}**.`,
  reviewDone: (right: number, total: number) =>
    `🎉 Bác đã ôn xong: đúng ${right}/${total} câu.${right === total ? " Bác nhớ bài tốt lắm!" : " Câu nào sai, tôi sẽ hỏi lại sớm hơn."}`,
  relearnOffer: (title: string) => `Có câu bác quên nhiều lần. Bác nên học lại bài ${quoted(title)} để nhớ chắc hơn.`,
  relearnAsk: (title: string) => `Bác có muốn học lại bài ${quoted(title)} ngay không?`,
  relearnOptions: ["Học lại bài này", "Về danh sách chủ đề"],
  testOffer: (track: string, n: number, need: number) =>
    `🎓 Bác đã học xong cả chủ đề ${quoted(track)}!\nĐể nhận **giấy chứng nhận**, bác làm một bài kiểm tra ngắn: ${n} câu, cần đúng ít nhất ${need} câu.`,
  testOfferOptions: ["Làm bài kiểm tra", "Để sau"],
  testLater: "Vâng ạ. Khi sẵn sàng, bác gõ **kiểm tra** để làm bài.",
  testIntro: (n: number) => `📝 **Bài kiểm tra**: ${n} câu. Mỗi câu trả lời một lần, không có gợi ý. Bác cứ bình tĩnh nhé.`,
  testPassed: (right: number, total: number) => `🎉 Bác đúng ${right}/${total} câu. Bác đã qua bài kiểm tra!`,
  testFailed: (right: number, total: number, need: number, lessons: string[], date: string) =>
    `Bác đúng ${right}/${total} câu. Cần đúng ít nhất ${need} câu để nhận giấy chứng nhận.\nBác nên ôn lại: ${lessons.map(quoted).join(", ")}.\nTừ ngày ${date}, bác làm lại bài kiểm tra được. Ôn thêm một chút là được ạ!`,
  testRetryFrom: (track: string, date: string) =>
    `Hôm nay bác đã làm bài kiểm tra chủ đề ${quoted(track)} rồi ạ. Từ ngày ${date}, bác làm lại được.\nTrong lúc chờ, bác gõ **ôn tập** để ôn lại nhé.`,
  testNone: "Khi bác học xong cả một chủ đề, bác sẽ làm một bài kiểm tra ngắn để nhận giấy chứng nhận. Bác gõ **menu** để chọn bài học.",
  testNeedConsent: "Để làm bài kiểm tra và nhận giấy chứng nhận, tôi cần bác đồng ý lưu tiến độ học. Bác gõ **xin chào** để chọn lại nhé.",
  mastery: { mastered: "Đã vững", fair: "Khá vững", shaky: "Cần ôn thêm" },
  progressDue: (n: number) => `📝 Hôm nay có ${n} câu ôn tập. Gõ **ôn tập** để bắt đầu.`,
  progressTestReady: (track: string) =>
    `🎓 Bác đã học xong chủ đề ${quoted(track)}. Gõ **kiểm tra** để làm bài kiểm tra nhận giấy chứng nhận.`,
  reminderReview: (n: number) =>
    `Chào bác! 😊 Bác có ${n} câu ôn tập hôm nay. Gõ **ôn tập** để bắt đầu.\n(Gõ “dừng nhắc” nếu bác không muốn nhận nhắc nữa.)`,

  quick: { repeat: "Nhắc lại", back: "Quay lại", menu: "Menu" } satisfies Record<QuickAction, string>,
  quickHint: (labels: string[]) => `(Gõ: ${labels.map((l) => l.toLowerCase()).join(" · ")})`,
};
