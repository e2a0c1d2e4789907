// What both engines' reminders share.

/** The lesson a stored tutor state (JSON) is in, if any: the reminder names it. */
export function lessonOf(state: string | null): string | undefined {
  try {
    const lessonId = state ? (JSON.parse(state) as { lesson?: { lessonId?: unknown } }).lesson?.lessonId : undefined;
    return typeof lessonId === "string" ? lessonId : undefined;
  } catch {
    return undefined;
  }
}
