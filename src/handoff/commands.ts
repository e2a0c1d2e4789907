// What a staff member's message asks for, from the one text form every staff channel produces: "/tl <số> nội dung"
// (answer ticket <số>) and "/dong <số>" (close it). A Telegram bot command may carry the bot's name ("/tl@ten_bot").

export type StaffCommand =
  | { kind: "answer"; ticket: number; text: string }
  | { kind: "close"; ticket: number }
  /** A command without its ticket number or its text. */
  | { kind: "usage" };

const COMMAND = /^\/(tl|dong|đóng)(?:@\w+)?(?:\s+|$)([\s\S]*)$/iu;

/** The command in a staff message, or undefined for anything else (staff talking among themselves). */
export function parseStaffCommand(text: string): StaffCommand | undefined {
  const m = COMMAND.exec(text.trim());
  if (!m) return undefined;
  const [, name = "", rest = ""] = m;
  const numbered = /^#?(\d{1,12})(?:\s+([\s\S]*))?$/.exec(rest.trim());
  const ticket = numbered ? Number(numbered[1]) : undefined;
  if (ticket === undefined) return { kind: "usage" };
  if (name.toLowerCase() !== "tl") return { kind: "close", ticket };
  const answer = (numbered?.[2] ?? "").trim();
  return answer ? { kind: "answer", ticket, text: answer } : { kind: "usage" };
}
