// The test before a certificate: a learner who finished every lesson of a track answers a few of its quizzes again,
// mixed, options reshuffled, once each, no hint. 80 % earns the certificate (prompts.ts asks the name on it); below,
// the learner is told which lessons to look at again and may try again from the next day.

import type { Track } from "../curriculum/types.js";
import { permutation } from "../learning/shuffle.js";
import { DAY_MS, VN_OFFSET_MS, vnDateDmy, vnDayNumber } from "../time.js";
import { type Drill, startDrill } from "./drill.js";
import type { Intent } from "./intents.js";
import { pickOption } from "./menus.js";
import { showPrompt } from "./prompts.js";
import { withOptions } from "./replies.js";
import { offerRelearn } from "./review.js";
import type { DrillItem, Screen, Turn, TutorContext } from "./state.js";
import { vi } from "./texts.vi.js";

export const TEST_SIZE = 5;
export const PASS_SHARE = 0.8;

/** Right answers needed out of `n`. */
export const needed = (n: number) => Math.ceil(PASS_SHARE * n);

function quizzesOf(track: Track): DrillItem[] {
  return track.lessons.flatMap((l) =>
    l.steps.flatMap((s) => (s.kind === "quiz" ? [{ lessonId: l.id, stepTitle: s.title, stepIndex: s.index }] : [])),
  );
}

const testSize = (track: Track) => Math.min(TEST_SIZE, quizzesOf(track).length);

/** The date (dd/mm/yyyy) of a Vietnam day number. */
const dateOfDay = (day: number) => vnDateDmy(day * DAY_MS - VN_OFFSET_MS);

/** Whether finishing `track` leads to its test: a learner who keeps their progress, not yet certified, and a track with quizzes. */
export function testDue(ctx: TutorContext, consent: boolean | null, track: Track): boolean {
  return consent === true && !ctx.learner?.certifiedTracks.has(track.id) && testSize(track) > 0;
}

/** Tracks whose every lesson the learner finished and whose test is still to pass, in the curriculum's order. */
export function tracksReady(ctx: TutorContext, consent: boolean | null): Track[] {
  return ctx.curriculum.tracks.filter(
    (tr) => tr.lessons.length > 0 && tr.lessons.every((l) => ctx.progress.get(l.id)?.status === "completed") && testDue(ctx, consent, tr),
  );
}

export function showTestOffer(t: Turn, screen: Extract<Screen, { kind: "test_offer" }>): void {
  const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
  if (!track) {
    showPrompt(t, screen.after);
    return;
  }
  t.go(screen);
  const n = testSize(track);
  t.say(withOptions(vi.testOffer(track.title, n, needed(n)), vi.testOfferOptions));
}

/** The answer to the offer; anything else drops it for now (the learner may type "kiểm tra" later) and is handled as usual. */
export function onTestOffer(t: Turn, screen: Extract<Screen, { kind: "test_offer" }>, intent: Intent, raw: string): boolean {
  const pick = pickOption(intent, raw, vi.testOfferOptions);
  const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
  if (track && (pick === 0 || intent.kind === "yes" || intent.kind === "next" || intent.kind === "test")) {
    startTest(t, track, screen.after);
    return true;
  }
  if (pick === 1 || intent.kind === "no") {
    t.say(vi.testLater);
    showPrompt(t, screen.after);
    return true;
  }
  t.go(screen.after);
  return false;
}

/** "kiểm tra": the test of the first track the learner finished and has not passed. */
export function onTestCommand(t: Turn): void {
  if (!t.state.consent) {
    t.say(vi.testNeedConsent);
    return;
  }
  const track = tracksReady(t.ctx, t.state.consent)[0];
  if (!track) {
    t.say(vi.testNone);
    return;
  }
  startTest(t, track, { kind: "paused" });
}

/** The day (Vietnam day number) from which a test failed today may be taken again; undefined when it may be now. */
export function retryDay(ctx: TutorContext, trackId: string): number | undefined {
  const failedAt = ctx.learning?.testFailedAt.get(trackId);
  return failedAt !== undefined && vnDayNumber(failedAt) >= (ctx.day ?? 0) ? vnDayNumber(failedAt) + 1 : undefined;
}

function startTest(t: Turn, track: Track, after: Screen): void {
  const retry = retryDay(t.ctx, track.id);
  if (retry !== undefined) {
    t.go({ kind: "paused" });
    t.say(vi.testRetryFrom(track.title, dateOfDay(retry)));
    return;
  }
  const all = quizzesOf(track);
  const items = permutation(all.length, t.ctx.seed ?? 0)
    .slice(0, TEST_SIZE)
    .map((i) => all[i] as DrillItem);
  t.say(vi.testIntro(items.length));
  startDrill(t, { mode: "test", items, trackId: track.id, after });
}

export function finishTest(t: Turn, d: Drill): void {
  const track = t.ctx.curriculum.tracks.find((tr) => tr.id === d.trackId);
  if (!track || d.answered === 0) {
    t.go({ kind: "paused" });
    t.say(vi.hintGeneral);
    return;
  }
  const passed = d.right >= needed(d.answered);
  t.events.push({ type: "track_test", trackId: track.id, right: d.right, total: d.answered, passed });
  if (passed) {
    t.say(vi.testPassed(d.right, d.answered));
    const code = t.ctx.certificateCode;
    const after = d.after ?? { kind: "paused" };
    if (code) showPrompt(t, { kind: "cert_name", trackId: track.id, code, after });
    else showPrompt(t, after);
    return;
  }
  const titles = d.missed.flatMap((id) => t.ctx.curriculum.lessons.get(id)?.title ?? []);
  const failed = vi.testFailed(d.right, d.answered, needed(d.answered), titles, dateOfDay((t.ctx.day ?? 0) + 1));
  const first = d.missed.find((id) => t.ctx.curriculum.lessons.has(id));
  if (first) offerRelearn(t, first, (title) => `${failed}\n\n${vi.relearnAsk(title)}`);
  else {
    t.go({ kind: "paused" });
    t.say(failed);
  }
}
