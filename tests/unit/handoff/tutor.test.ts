import { describe, expect, it } from "vitest";
import { handoffVi } from "../../../src/handoff/texts.vi.js";
import { answered, initialState, step, type TutorContext, type TutorEvent, type TutorState } from "../../../src/tutor/engine.js";
import { parseIntent } from "../../../src/tutor/intents.js";
import type { Reply } from "../../../src/tutor/replies.js";
import { sampleCurriculum } from "../../helpers/curriculum.js";

// The tutor's part of the hand-off, pure: asking for a person, the offers, the consent, and the event for the caller.

/** `null`: the hand-off is not set up. */
function play(handoff: TutorContext["handoff"] | null = { full: false }) {
  const curriculum = sampleCurriculum();
  let state: TutorState = initialState();
  const events: TutorEvent[] = [];
  const ctx = (): TutorContext => ({ curriculum, progress: new Map(), ...(handoff ? { handoff } : {}) });
  const say = (text: string): Reply[] => {
    const out = step(state, { kind: "text", text }, ctx());
    state = out.state;
    events.push(...out.events);
    return out.replies;
  };
  for (const t of ["hi", "1", "1", "1"]) say(t); // consent, track, the OTP lesson: step 1 (with a tip)
  return {
    say,
    events,
    ctx,
    get state() {
      return state;
    },
    set state(s: TutorState) {
      state = s;
    },
  };
}

const texts = (r: Reply[]) => r.map((x) => x.text).join("\n");

describe("asking for a person", () => {
  it("the words for a person are told apart from 'cần giúp' (help)", () => {
    for (const t of ["gặp cán bộ", "gap can bo", "cần người giúp", "can nguoi giup", "nói chuyện với người thật", "tôi muốn gặp cán bộ ạ"])
      expect(parseIntent(t).kind, t).toBe("person");
    for (const t of ["cần giúp", "can giup", "giúp tôi"]) expect(parseIntent(t).kind, t).toBe("help");
    expect(parseIntent("cán bộ xã có kích hoạt VNeID giúp không").kind).toBe("text");
  });

  it("from a lesson: the consent question, then the event with the lesson and step; 'tiếp' shows that step again", () => {
    const p = play();
    const ask = p.say("gặp cán bộ");
    expect(ask[0]?.text).toBe(handoffVi.consentAsk);
    expect(ask[0]?.options?.map((o) => o.label)).toEqual(handoffVi.consentOptions);
    expect(p.say("1")).toEqual([]);
    expect(p.events.at(-1)).toEqual({ type: "handoff", reason: "asked", recent: [], lessonId: "otp", step: 1 });
    expect(texts(p.say("tiếp"))).toContain("Bước 1/4: Hiểu mã OTP");
  });

  it("declining changes nothing and says how to ask later", () => {
    const p = play();
    p.say("cần người giúp");
    expect(texts(p.say("2"))).toContain("Khi cần, bác gõ **gặp cán bộ**");
    expect(p.events.some((e) => e.type === "handoff")).toBe(false);
  });

  it("'không hiểu' twice in a row on a step offers a person after the explanation; once does not", () => {
    const p = play();
    const once = p.say("không hiểu");
    expect(texts(once)).toContain("OTP giống chìa khoá");
    expect(texts(once)).not.toContain("Gặp cán bộ hỗ trợ");
    const twice = p.say("không hiểu");
    expect(texts(twice)).toContain("OTP giống chìa khoá");
    expect(texts(twice)).toContain(handoffVi.stillHard);
    expect(p.state.screen.kind).toBe("handoff_consent");
    p.say("1");
    expect(p.events.at(-1)).toMatchObject({ type: "handoff", reason: "not_understood" });
  });

  it("'không hiểu' with something else between is not 'in a row'", () => {
    const p = play();
    p.say("không hiểu");
    p.say("nhắc lại");
    expect(texts(p.say("không hiểu"))).not.toContain(handoffVi.stillHard);
  });

  it("after an honest 'no lesson' the person is offered among the choices, with the question kept redacted", () => {
    const p = play();
    const out = answered(
      p.state,
      {
        texts: ["Tôi chưa có bài nào nói về việc này."],
        feedback: true,
        questionId: 5,
        handoff: { reason: "no_lesson", recent: ["đổi số [SĐT]"] },
      },
      p.ctx(),
    );
    const labels = out.replies.at(-1)?.options?.map((o) => o.label) ?? [];
    expect(labels.at(-1)).toBe(handoffVi.offerLabel);
    p.state = out.state;
    expect(p.say(String(labels.length))[0]?.text).toBe(handoffVi.consentAsk);
    p.say("đồng ý");
    expect(p.events.at(-1)).toMatchObject({ type: "handoff", reason: "no_lesson", recent: ["đổi số [SĐT]"] });
  });

  it("where it is not set up: a kind pointer to people nearby, and no offer anywhere", () => {
    const p = play(null);
    expect(texts(p.say("gặp cán bộ"))).toBe(handoffVi.unavailable);
    p.say("không hiểu");
    expect(texts(p.say("không hiểu"))).not.toContain(handoffVi.stillHard);
    const out = answered(p.state, { texts: ["x"], feedback: true, handoff: { reason: "no_lesson", recent: [] } }, p.ctx());
    expect(out.replies.at(-1)?.options?.map((o) => o.label)).not.toContain(handoffVi.offerLabel);
  });

  it("with a ticket open, or today's tickets used up, the learner is told so instead", () => {
    expect(texts(play({ open: 12, full: false }).say("gặp cán bộ"))).toBe(handoffVi.alreadyOpen(12));
    expect(texts(play({ full: true }).say("gặp cán bộ"))).toBe(handoffVi.dailyLimit);
  });
});
