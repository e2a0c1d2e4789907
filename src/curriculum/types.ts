// The in-memory curriculum: what the parser produces and the tutor engine reads.
// Every node keeps the line it came from so admins get `path:line` errors.

export type Level = "co-ban" | "trung-binh" | "nang-cao";

export interface Source {
  url: string;
  title?: string;
  /** ISO date (YYYY-MM-DD) when an admin last checked the steps against this source. */
  checked: string;
  /** False when `url` is only the site's home page because the article itself cannot be linked. */
  direct?: false;
}

export interface Image {
  /** File name inside curriculum/media/ (e.g. "vneid-home.png"). */
  file: string;
  alt: string;
}

interface StepBase {
  /** 1-based position of the step in the lesson. */
  index: number;
  /** Heading text after "Bước N:", "Kiểm tra:" or "Câu hỏi:". */
  title: string;
  /** Line of the `## ` heading in the lesson file. */
  line: number;
}

/** "## Bước N: …" — one action, one message. */
export interface InstructionStep extends StepBase {
  kind: "instruction";
  /** Markdown-light text: paragraphs separated by blank lines; **bold** kept as-is. */
  text: string;
  image?: Image;
  /** From "> Gợi ý: …", shown on "không hiểu" / "giải thích thêm". */
  tip?: string;
}

export interface CheckpointOption {
  label: string;
  /** Help shown when this option is chosen; the checkpoint is then asked again. None = go on. */
  help?: string;
}

/** "## Kiểm tra: …" — the learner confirms what they see. */
export interface CheckpointStep extends StepBase {
  kind: "checkpoint";
  text: string;
  options: CheckpointOption[];
  image?: Image;
  tip?: string;
}

export interface QuizOption {
  label: string;
  correct: boolean;
}

/** "## Câu hỏi: …" — exactly one correct option. */
export interface QuizStep extends StepBase {
  kind: "quiz";
  text: string;
  options: QuizOption[];
  explanation?: string;
  image?: Image;
  tip?: string;
}

export type Step = InstructionStep | CheckpointStep | QuizStep;

export interface Lesson {
  id: string;
  trackId: string;
  title: string;
  minutes: number;
  level: Level;
  competences: string[];
  requires: string[];
  sources: Source[];
  /** Step numbers (1-based) whose facts could not be verified; shown to admins, flagged to learners. */
  unverified: number[];
  /** Step numbers (1-based) that would do something real (send a file, pay, change an account): the learner is told to only look. */
  real: number[];
  /** Example questions, written the way citizens ask, that this lesson answers: they steer free-form answers to it. */
  questions: string[];
  /** Text before the first step ("Mục tiêu: …"). */
  intro: string;
  steps: Step[];
  /** Text of an optional "## Tóm tắt" section, shown when the lesson is finished. */
  summary?: string;
  /** Order inside the track, from the file name prefix ("01-…"). */
  order: number;
  /** Path relative to the curriculum folder, for messages. */
  file: string;
}

export interface Track {
  id: string;
  title: string;
  description: string;
  order: number;
  emoji?: string;
  audience?: string;
  lessons: Lesson[];
}

export interface Curriculum {
  tracks: Track[];
  /** All lessons by id. */
  lessons: Map<string, Lesson>;
  /** Short hash of every file's content: changes whenever the curriculum does. */
  version: string;
  /** Absolute path of the media folder. */
  mediaDir: string;
}

export interface CurriculumProblem {
  /** Path relative to the curriculum folder (or absolute when outside it). */
  file: string;
  line: number;
  /** Vietnamese, for admins. */
  message: string;
  severity: "error" | "warning";
}

export interface LoadResult {
  /** Undefined when any error was found. */
  curriculum?: Curriculum;
  problems: CurriculumProblem[];
}
