// Parses one lesson file or one track.yaml into the in-memory types, collecting every problem an
// admin can fix with its real file line. Pure: no file system, no clock unless passed in.
//
// A lesson file is YAML front matter between two `---` lines (front-matter.ts: read with js-yaml, located with
// `yaml`, validated with zod) and a Markdown body (body.ts: read into an mdast tree by markdown.ts and walked
// section by section); common.ts holds the limits, the problem sink and the text helpers both use.

import type { z } from "zod";
import { vnIsoDate } from "../time.js";
import { type ImageRef, parseBody } from "./body.js";
import { ID_PATTERN, problemSink } from "./common.js";
import {
  LESSON_HINTS,
  LESSON_KEYS,
  lessonSchema,
  lineOfPath,
  normalizeSource,
  REAL_ACTION,
  readYaml,
  reportIssues,
  SOURCE_KEYS,
  splitFrontMatter,
  TRACK_HINTS,
  TRACK_KEYS,
  trackSchema,
  type YamlBlock,
} from "./front-matter.js";
import type { CurriculumProblem, Lesson, Source, Track } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Public API

/** Facts the loader needs for cross-file checks, available even when the lesson has errors. */
export interface LessonMeta {
  id?: string;
  idLine: number;
  requires: Array<{ id: string; line: number }>;
  /** Images used, as file names inside media/, with their lines. */
  images: Array<{ file: string; line: number }>;
}

export interface ParseLessonResult {
  /** Set only when this file has no errors (warnings allowed). */
  lesson?: Lesson;
  problems: CurriculumProblem[];
  meta?: LessonMeta;
}

export interface ParseOptions {
  /** Clock for the "checked date is in the future" rule; tests pass a fixed date. */
  now?: Date;
}

/**
 * What the loader's cross-file checks need, with no reference to the file's text: found by reading the front
 * matter's lines (a top-level key starts its line; a block list's items follow it, one `-` each).
 */
function lessonMeta(block: YamlBlock | undefined, images: ImageRef[]): LessonMeta {
  const raw = block?.value as Record<string, unknown> | null | undefined;
  const id = raw && typeof raw.id === "string" && ID_PATTERN.test(raw.id) ? raw.id : undefined;
  const requiresRaw = raw?.requires;
  const requiresList = typeof requiresRaw === "string" ? [requiresRaw] : Array.isArray(requiresRaw) ? requiresRaw : [];
  const lines = block?.text.split("\n") ?? [];
  const keyLine = (key: string) => lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  const at = (index: number) => (block?.firstLine ?? 1) + Math.max(0, index);
  const requiresAt = keyLine("requires");
  const items: number[] = [];
  if (requiresAt >= 0 && /^requires\s*:\s*(#.*)?$/.test(lines[requiresAt] ?? ""))
    for (let i = requiresAt + 1; i < lines.length && !/^\S/.test(lines[i] ?? ""); i++) if (/^\s*-/.test(lines[i] ?? "")) items.push(i);
  const requires = requiresList.flatMap((value, i) => (typeof value === "string" ? [{ id: value, line: at(items[i] ?? requiresAt) }] : []));
  return {
    id,
    idLine: block ? at(keyLine("id")) : 1,
    requires,
    images: images.map((image) => ({ file: image.url, line: image.line })),
  };
}

export function parseLesson(source: string, file: string, trackId: string, order: number, options: ParseOptions = {}): ParseLessonResult {
  const sink = problemSink(file);
  const text = normalizeSource(source);
  const front = splitFrontMatter(text, sink);
  if (!front) return { problems: sink.problems };

  const block = readYaml(front.yaml, front.yamlLine, sink, "Phần thông tin đầu bài (giữa hai dòng `---`)");
  let fields: z.infer<ReturnType<typeof lessonSchema>> | undefined;
  if (block) {
    const today = vnIsoDate((options.now ?? new Date()).getTime());
    const parsed = lessonSchema(today).safeParse(block.value, { reportInput: true });
    if (parsed.success) fields = parsed.data;
    else {
      reportIssues(parsed.error.issues, {
        block,
        sink,
        hints: LESSON_HINTS,
        keys: { "": LESSON_KEYS, "sources.*": SOURCE_KEYS },
        rootName: "thông tin bài học",
      });
    }
  }

  const body = parseBody(front.body, front.bodyLine, trackId, sink);
  const meta = lessonMeta(block, body.images);

  if (fields && block) {
    for (const key of ["unverified", "real"] as const) {
      (fields[key] ?? []).forEach((n, i) => {
        if (n > body.steps.length) {
          sink.error(
            lineOfPath(block, [key, i]),
            `\`${key}\` ghi bước số ${n} nhưng bài chỉ có ${body.steps.length} bước (đếm mọi phần Bước, Kiểm tra, Câu hỏi từ 1).`,
          );
        }
      });
    }
    // A source should open the article itself; a bare home page must say it cannot (`direct: false`).
    fields.sources.forEach((src, i) => {
      if (src.direct === undefined && /^https?:\/\/[^/]+\/?$/.test(src.url))
        sink.warn(
          lineOfPath(block, ["sources", i, "url"]),
          "Nguồn chỉ là trang chủ: hãy ghi địa chỉ của chính bài báo, hoặc thêm `direct: false` nếu bài gốc không dẫn trực tiếp được.",
        );
    });
    // A step that presses a button doing something real must say so, so the learner can go on without doing it.
    const real = new Set(fields.real ?? []);
    body.steps.forEach((step, i) => {
      if (real.has(i + 1) || step.kind !== "instruction") return;
      const button = REAL_ACTION.exec(`${step.title} ${step.text}`)?.[0];
      if (button)
        sink.warn(
          step.line,
          `Bước này bấm ${button}: nếu đó là việc thật (gửi hồ sơ, trả tiền, đổi tài khoản), hãy ghi số ${i + 1} vào \`real\` để người học được nhắc chỉ xem, không bấm thật.`,
        );
    });
  }

  if (fields && !fields.questions?.length)
    sink.warn(1, "Bài chưa có `questions:` (câu hỏi mẫu). Hãy ghi vài câu người dân hay hỏi mà bài này trả lời, để trợ lý tìm đúng bài.");

  if (!fields || sink.hasErrors()) return { problems: sink.problems, meta };
  const sources: Source[] = fields.sources.map((s) => ({
    url: s.url,
    ...(s.title ? { title: s.title } : {}),
    checked: s.checked.trim(),
    ...(s.direct === false ? { direct: false } : {}),
  }));
  const lesson: Lesson = {
    id: fields.id,
    trackId,
    title: fields.title,
    minutes: fields.minutes,
    level: fields.level,
    competences: fields.competences,
    requires: fields.requires ?? [],
    sources,
    unverified: fields.unverified ?? [],
    real: fields.real ?? [],
    questions: fields.questions ?? [],
    intro: body.intro,
    steps: body.steps,
    ...(body.summary ? { summary: body.summary } : {}),
    order,
    file,
  };
  return { lesson, problems: sink.problems, meta };
}

/** A track's own fields; the id (folder name) and lessons are added by the loader. */
export type TrackMeta = Omit<Track, "id" | "lessons">;

export interface ParseTrackResult {
  track?: TrackMeta;
  problems: CurriculumProblem[];
}

export function parseTrack(source: string, file: string): ParseTrackResult {
  const sink = problemSink(file);
  const block = readYaml(normalizeSource(source), 1, sink, "Tệp track.yaml");
  if (!block) return { problems: sink.problems };
  const parsed = trackSchema.safeParse(block.value, { reportInput: true });
  if (!parsed.success) {
    reportIssues(parsed.error.issues, {
      block,
      sink,
      hints: TRACK_HINTS,
      keys: { "": TRACK_KEYS },
      rootName: "tệp track.yaml",
    });
    return { problems: sink.problems };
  }
  const { title, description, order, emoji, audience } = parsed.data;
  return {
    track: { title, description, order, ...(emoji ? { emoji } : {}), ...(audience ? { audience } : {}) },
    problems: sink.problems,
  };
}
