// The channel-agnostic reply. Each channel renders what it can: Telegram buttons, Zalo numbered
// lines, the web page buttons, the CLI plain lines. Typed digits and words work everywhere.

export type QuickAction = "repeat" | "back" | "menu";

export interface ReplyOption {
  label: string;
  /** What choosing it sends back as text: always the option's number ("1", "2", …). */
  value: string;
}

export interface ReplyImage {
  /** File name inside the curriculum's media folder. */
  file: string;
  alt: string;
}

export interface Reply {
  /** Plain text; `**bold**` is the only markup, rendered (or stripped) by the channel. */
  text: string;
  options?: ReplyOption[];
  image?: ReplyImage;
  /** Commands worth a shortcut under this message (buttons on Telegram/web, a hint line elsewhere). */
  quick?: QuickAction[];
  /** To be read aloud (the tutor asks; the conversation service makes the audio and sets `audio`). */
  speak?: boolean;
  /** The message read aloud: a cached audio file (voice/tts.ts), sent before the text where the channel plays audio. */
  audio?: { key: string };
}

/** Replies that are a lesson's own content (its intro, its steps): read aloud for learners who asked "luôn đọc to". */
const lessonContent = new WeakSet<Reply>();
export function asLessonContent(r: Reply): Reply {
  lessonContent.add(r);
  return r;
}
export const isLessonContent = (r: Reply): boolean => lessonContent.has(r);

/** What a listener hears of a reply: its text, then its numbered options. */
export function spokenText(reply: Reply): string {
  const options = (reply.options ?? []).map((o) => `${o.value}. ${o.label}`).join("\n");
  return options ? `${reply.text}\n\n${options}` : reply.text;
}

export function text(t: string): Reply {
  return { text: t };
}

export function withOptions(t: string, labels: string[], extra: Omit<Reply, "text" | "options"> = {}): Reply {
  return { text: t, options: labels.map((label, i) => ({ label, value: String(i + 1) })), ...extra };
}

/** Plain-text rendering shared by channels that have no buttons (Zalo, CLI): numbered lines. */
export function renderPlain(reply: Reply, quickLabels: Record<QuickAction, string>, quickHint: (labels: string[]) => string): string {
  const parts = [reply.text.replace(/\*\*(.+?)\*\*/g, "$1")];
  if (reply.options?.length) parts.push(reply.options.map((o) => `${o.value}. ${o.label}`).join("\n"));
  if (reply.quick?.length) parts.push(quickHint(reply.quick.map((q) => quickLabels[q])));
  return parts.join("\n\n");
}
