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
