import { fold, type Intent } from "./intents.js";
import { pickOption } from "./menus.js";
import { withOptions } from "./replies.js";
import { repeatScreen } from "./screens.js";
import { initialState, type Screen, type Turn } from "./state.js";
import { vi } from "./texts.vi.js";
import { onTestOffer, showTestOffer } from "./track-test.js";

export function showPrompt(t: Turn, screen: Screen): void {
  t.go(screen);
  if (screen.kind === "cert_name") {
    const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
    t.say(vi.certAskName(track?.title ?? screen.trackId));
  } else if (screen.kind === "test_offer") {
    showTestOffer(t, screen);
  } else if (screen.kind === "ask_reminders") {
    t.say(withOptions(vi.remindersAsk, vi.remindersOptions));
  } else if (screen.kind === "done") {
    // Back from the one-time questions: what to do next, without congratulating a second time.
    const next = screen.nextLessonId ? t.ctx.curriculum.lessons.get(screen.nextLessonId) : undefined;
    t.say(withOptions(next ? vi.nextLesson(next.title) : vi.allDone, vi.doneOptions(next?.title)));
  } else {
    repeatScreen(t);
  }
}

/** Answers to the one-time prompts after a lesson: the certificate's name, the reminders choice. */
export function onPrompt(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  if (screen.kind === "cert_name") {
    const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
    if (intent.kind === "repeat") {
      showPrompt(t, screen);
      return true;
    }
    // A command instead of a name: the certificate is issued without a name, then the command runs.
    const command = intent.kind !== "text" && intent.kind !== "no";
    const skip = command || intent.kind === "no" || /^(bo qua|khong ghi|thoi|skip)$/.test(fold(raw));
    const name = skip ? undefined : certificateName(raw);
    if (!skip && !name) {
      t.say(vi.certNameInvalid);
      return true;
    }
    t.events.push({
      type: "certificate",
      trackId: screen.trackId,
      trackTitle: track?.title ?? screen.trackId,
      code: screen.code,
      ...(name ? { firstName: name } : {}),
    });
    const url = t.ctx.publicBaseUrl ? `${t.ctx.publicBaseUrl}/verify/${screen.code}` : undefined;
    t.say(vi.certIssued(track?.title ?? screen.trackId, t.ctx.today ?? "", screen.code, name, url));
    if (command) {
      t.go(screen.after);
      return false;
    }
    showPrompt(t, screen.after);
    return true;
  }
  if (screen.kind === "test_offer") return onTestOffer(t, screen, intent, raw);
  if (screen.kind === "ask_reminders") {
    const pick = pickOption(intent, raw, vi.remindersOptions);
    const on = pick === 0 || intent.kind === "yes" ? true : pick === 1 || intent.kind === "no" ? false : undefined;
    if (on === undefined) {
      // Anything else: the question is dropped for now (asked again after the next lesson), and the text handled.
      t.go(screen.after);
      return false;
    }
    t.events.push({ type: "reminders", on });
    t.say(on ? vi.remindersOn : vi.remindersOff);
    showPrompt(t, screen.after);
    return true;
  }
  if (screen.kind === "confirm_delete") {
    const pick = pickOption(intent, raw, vi.deleteOptions);
    if (pick === 0 || intent.kind === "yes") {
      t.events.push({ type: "delete_all" });
      t.state = initialState();
      t.say(vi.deleteDone);
      return true;
    }
    t.go(screen.prev);
    if (pick === 1 || intent.kind === "no" || intent.kind === "menu") {
      t.say(vi.deleteCancelled);
      return true;
    }
    return false;
  }
  return false;
}

/** Data rights and reminders: they work from any screen. */
export function onAccountCommand(t: Turn, intent: Intent): boolean {
  switch (intent.kind) {
    case "delete":
      t.go({ kind: "confirm_delete", prev: t.state.screen });
      t.say(withOptions(vi.deleteAsk, vi.deleteOptions));
      return true;
    case "privacy":
      t.say(vi.privacy);
      return true;
    case "remindersOff":
    case "remindersOn":
      if (intent.kind === "remindersOn" && !t.state.consent) {
        t.say(vi.remindersNeedConsent);
        return true;
      }
      t.events.push({ type: "reminders", on: intent.kind === "remindersOn" });
      t.say(intent.kind === "remindersOn" ? vi.remindersOn : vi.remindersOff);
      return true;
    default:
      return false;
  }
}

/** A first name for a certificate: letters only, one to three words, at most 30 characters. */
export function certificateName(raw: string): string | undefined {
  const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (name.length < 1 || name.length > 30 || !/^[\p{L} ]+$/u.test(name) || name.split(" ").length > 3) return undefined;
  return name
    .split(" ")
    .map((w) => w.charAt(0).toLocaleUpperCase("vi") + w.slice(1))
    .join(" ");
}

/** The next lesson in the curriculum's order that is not completed (the one just finished counts as done). */
