import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";

// Programme targets ("200 learners complete track an-toan by 2026-12-31"), kept by managers in a
// small YAML file. A missing file means no targets; a broken one is reported on the dashboard with
// file:line, and never stops the server.

export interface Target {
  label: string;
  track: string;
  learners: number;
  /** Deadline, YYYY-MM-DD (end of that day in Vietnam time). */
  by: string;
  /** Line of the target in the file, for messages. */
  line: number;
}

export interface TargetProblem {
  file: string;
  line: number;
  message: string;
}

export interface TargetsResult {
  /** False when the file does not exist (no targets set). */
  found: boolean;
  targets: Target[];
  problems: TargetProblem[];
}

const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const targetSchema = z
  .object({
    label: z
      .string("cần ghi tên mục tiêu (label) bằng chữ")
      .trim()
      .min(1, "tên mục tiêu (label) đang trống")
      .max(200, "tên mục tiêu dài quá 200 ký tự"),
    track: z
      .string("cần ghi mã chủ đề (track), ví dụ an-toan")
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]*$/, "mã chủ đề (track) chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ an-toan"),
    learners: z
      .number("số người học (learners) phải là một số, ví dụ 200")
      .int("số người học (learners) phải là số nguyên")
      .positive("số người học (learners) phải lớn hơn 0"),
    by: z.preprocess(
      (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
      z
        .string("hạn (by) phải là ngày dạng NĂM-THÁNG-NGÀY, ví dụ 2026-12-31")
        .regex(/^\d{4}-\d{2}-\d{2}$/, "hạn (by) phải là ngày dạng NĂM-THÁNG-NGÀY, ví dụ 2026-12-31")
        .refine(isRealDate, "hạn (by) không phải là một ngày có thật"),
    ),
  })
  .strict();

const fileSchema = z
  .object({ targets: z.array(targetSchema, "targets phải là một danh sách, mỗi mục bắt đầu bằng dấu gạch ngang (-)").nullish() })
  .strict();

function displayPath(path: string, cwd = process.cwd()): string {
  const abs = resolve(path);
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

/**
 * Reads and checks the targets file. `knownTracks` (track ids of the curriculum served now), when
 * given, turns a target on an unknown track into a problem too.
 */
export function readTargets(path: string, knownTracks?: ReadonlySet<string>): TargetsResult {
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { found: false, targets: [], problems: [] };
    return { found: true, targets: [], problems: [{ file, line: 1, message: `không đọc được tệp (${code ?? "lỗi"})` }] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      found: true,
      targets: [],
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
        message: `YAML không hợp lệ: ${e.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    };
  }

  const lineOf = (path: PropertyKey[]): number => {
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p as unknown[], true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
      if (p.length === 0) return 1;
    }
  };

  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    return {
      found: true,
      targets: [],
      problems: parsed.error.issues.map((i) => {
        if (i.code !== "unrecognized_keys") return { file, line: lineOf(i.path), message: i.message };
        const allowed = i.path.length === 0 ? "ở đầu tệp chỉ có khóa targets" : "mỗi mục tiêu chỉ gồm label, track, learners, by";
        return { file, line: lineOf([...i.path, i.keys[0] ?? ""]), message: `khóa lạ “${i.keys.join(", ")}”: ${allowed}` };
      }),
    };
  }

  const targets: Target[] = [];
  const problems: TargetProblem[] = [];
  (parsed.data.targets ?? []).forEach((t, index) => {
    const line = lineOf(["targets", index]);
    if (knownTracks && !knownTracks.has(t.track)) {
      problems.push({
        file,
        line: lineOf(["targets", index, "track"]),
        message: `không có chủ đề “${t.track}” trong nội dung bài học (mã chủ đề là tên thư mục trong curriculum/)`,
      });
      return;
    }
    targets.push({ ...t, line });
  });
  return { found: true, targets, problems };
}
