// The admin area's one port: every figure the dashboard, the CSV reports and the pseudonyms read, from whichever
// store the app runs on (SQLite: src/store/admin.ts; PostgreSQL: src/store/postgres/admin.ts). Interfaces only:
// the admin area holds no SQL. Times are epoch milliseconds; a "day" is a Vietnam calendar day number (days since
// 1970-01-01 in Vietnam time).

export interface ChannelStats {
  channel: string;
  total: number;
  new7: number;
  new30: number;
  active7: number;
  active30: number;
  consented: number;
}

export interface DayCount {
  /** Vietnam day number. */
  day: number;
  n: number;
}

export interface LessonAggregate {
  lessonId: string;
  started: number;
  completed: number;
  /** Learners who started and did not finish, by the highest step they reached. */
  stopped: Map<number, number>;
}

export interface QuestionStats {
  lessonId: string;
  stepIndex: number;
  /** Learners who answered the question at least once. */
  answered: number;
  /** …whose very first answer was right. */
  right: number;
}

/** Answers out of which some were right. */
export interface Share {
  answered: number;
  right: number;
}

/**
 * What one lesson's learners kept: their questions answered again (in reviews and track tests) at least one and at
 * least seven Vietnam days after their first answer, and how many are past the mastery criterion (src/learning).
 */
export interface LessonRetention {
  lessonId: string;
  after1: Share;
  after7: Share;
  /** Learners with a mastery estimate for the lesson. */
  learners: number;
  mastered: number;
}

export interface ContentGap {
  question: string;
  /** Times asked (identical redacted text) in the period. */
  asked: number;
  thumbsDown: number;
  unanswered: number;
  lastAt: number;
  lessonId: string | null;
}

export interface QuestionTotals {
  asked: number;
  /** Not flagged, and got a 👎 or no lesson to answer from. */
  gaps: number;
  /** Need a person to look (self-harm): counted, never listed. */
  flagged: number;
}

export interface RecentLearner {
  id: number;
  channel: string;
  createdAt: number;
  lastActiveAt: number;
  completed: number;
  inProgress: number;
}

/** Learners who finished a track: `people` through Telegram and Zalo, `web` through the web chat (ids anyone can make up). */
export interface Completers {
  people: number;
  web: number;
}

export interface CertificateCount {
  trackId: string;
  trackTitle: string;
  n: number;
}

export interface Announcement {
  text: string;
  recipients: number;
  createdAt: number;
}

/** The message queues as the dashboard shows them (the same backlogs as GET /metrics). */
export interface QueueFigures {
  /** Updates recorded and not handled yet. */
  inbox: number;
  /** Replies waiting to be sent, and when the oldest of them was queued. */
  pending: number;
  oldestPendingAt: number | null;
  /** Replies given up on, by reason (most first, at most 10); a reason unknown is "không rõ". */
  failed: Array<{ reason: string; n: number }>;
  /**
   * For each channel with a reply window (Zalo OA: 48 hours), its learners and those whose window has closed:
   * reminders and announcements skip them until they write again.
   */
  windows: Array<{ channel: string; learners: number; outside: number }>;
}

/** One row of the progress report: a learner and a lesson. */
export interface ProgressRow {
  learnerId: number;
  channel: string;
  lessonId: string;
  status: "in_progress" | "completed";
  stepReached: number;
  startedAt: number;
  completedAt: number | null;
  /** Questions answered in this lesson (each counted once). */
  answered: number;
  /** …of which the first answer was right. */
  right: number;
}

/** What the big figures (heavy.ts) are computed from: the scans of the large tables. */
export interface FiguresSource {
  /** Learners per channel: everyone, new and active in the 7 and 30 days before `now`, consented; most first. */
  learnersByChannel(now: number): Promise<ChannelStats[]>;
  /** New learners per day since `since`, by day. */
  newLearnersByDay(since: number): Promise<DayCount[]>;
  /** Learners who started before `before`. */
  learnersBefore(before: number): Promise<number>;
  /** Learners who moved forward in a lesson, per day, from the day of `since` on. */
  activeLearnersByDay(since: number): Promise<DayCount[]>;
  /** Every lesson id that has progress rows, in ascending (byte) order. */
  lessonIdsWithProgress(): Promise<string[]>;
  /** Starts, completions and where the others stopped, of one lesson. */
  lessonAggregate(lessonId: string): Promise<LessonAggregate>;
  /** One lesson's quiz questions (by step) with the learners' first answers: each learner's earliest attempt-1 row. */
  quizFirstAnswers(lessonId: string): Promise<QuestionStats[]>;
  /** One lesson's answers after a delay and its learners' mastery (p ≥ `mastered`). */
  lessonRetention(lessonId: string, mastered: number): Promise<LessonRetention>;
  /** Learners who completed every one of `lessonIds`, the last of them no later than `until`. */
  trackCompleters(lessonIds: readonly string[], until: number): Promise<Completers>;
  /** Certificates issued, per track, most first. */
  certificatesByTrack(): Promise<CertificateCount[]>;
}

/** Learners over time, per day, for the longest period the dashboard shows (any shorter one is a suffix). */
export interface OverTime {
  newByDay: DayCount[];
  activeByDay: DayCount[];
  /** Learners who started before the first of those days. */
  before: number;
}

export interface Figures {
  lessons: Map<string, LessonAggregate>;
  quiz: QuestionStats[];
  /** By lesson id. */
  retention: Map<string, LessonRetention>;
  /** Learners who finished every lesson of a track, by track id. */
  trackFinishers: Map<string, number>;
  /** Learners counted for each target, in the file's order. */
  targetDone: number[];
  /** The same, through the web chat: shown apart, not counted toward the targets. */
  targetWeb: number[];
}

/** The dashboard's big figures: plain data (Maps included), so a worker thread can post them back. */
export interface Heavy {
  figures: Figures;
  channels: ChannelStats[];
  certs: Array<{ trackTitle: string; n: number }>;
  overTime: OverTime;
}

/** What to compute: plain data, so it can be posted to a worker. */
export interface HeavyRequest {
  lessonIds: string[];
  tracks: Array<{ id: string; lessonIds: string[] }>;
  /** Each target's track and the moment it is counted up to. */
  targets: Array<{ track: string; until: number }>;
  now: number;
}

/**
 * A store whose scans would hold up the event loop (SQLite is synchronous) computes the big figures elsewhere when
 * its data is large: SQLite on a worker thread, with a read-only connection of its own.
 */
export interface OffThread {
  /** Whether the data is large enough to be worth it. */
  worthIt(): Promise<boolean>;
  compute(req: HeavyRequest): Promise<Heavy>;
}

/** A hand-off ticket as the dashboard and its report show it (no text: there is none in the store). */
export interface TicketListRow {
  id: number;
  learnerId: number;
  channel: string;
  lessonId: string | null;
  step: number | null;
  reason: string;
  openedAt: number;
  answeredAt: number | null;
  closedAt: number | null;
}

export interface AdminStore extends FiguresSource {
  /** Median minutes from start to completion of one lesson that `completed` learners completed; undefined for none. */
  medianMinutes(lessonId: string, completed: number): Promise<number | undefined>;
  questionTotals(since: number): Promise<QuestionTotals>;
  /** Unflagged questions asked since `since` that got a 👎 or no lesson to answer from, most asked first. */
  contentGaps(since: number, limit: number): Promise<ContentGap[]>;
  /** The most recently active learners, with their lesson counts. */
  recentLearners(limit: number): Promise<RecentLearner[]>;
  /** The latest announcements, newest first. */
  recentAnnouncements(limit: number): Promise<Announcement[]>;
  /** Hand-off tickets still open, and those opened since `since`; newest first, at most `limit`. */
  tickets(since: number, limit: number): Promise<TicketListRow[]>;
  /** `windows`: the reply window of each channel that has one (ms), looked at `now`. */
  queues(now: number, windows: Readonly<Record<string, number>>): Promise<QueueFigures>;
  /**
   * Every learner's progress in every lesson, by learner id then lesson id (in byte order), in pages of about
   * `pageRows` rows (a million rows never sit in memory). Read when iterated; stopping early (a client that goes
   * away) releases what the read holds.
   */
  progressRows(pageRows?: number): AsyncIterable<ProgressRow[]>;
  /** A random secret of this install kept in the database under `name`, created on first use (the same for every instance). */
  installSecret(name: string): Promise<string>;
  /** Absent: the big figures are computed through this port, pausing between scans. */
  offThread?: OffThread;
}
