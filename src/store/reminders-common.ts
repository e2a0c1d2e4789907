// What both engines' reminders share.

/** A learner a reminder pass may write to, as both engines read them. */
export interface DueLearner {
  id: number;
  channel: string;
  chatId: string;
  lastActiveAt: number;
  state: string | null;
  /** Review questions due by the end of today. */
  dueReviews: number;
}

/** The lesson a stored tutor state (JSON) is in, if any: the reminder names it. */
export function lessonOf(state: string | null): string | undefined {
  try {
    const lessonId = state ? (JSON.parse(state) as { lesson?: { lessonId?: unknown } }).lesson?.lessonId : undefined;
    return typeof lessonId === "string" ? lessonId : undefined;
  } catch {
    return undefined;
  }
}
