import type { Curriculum } from "./types.js";

// The table of tracks and lessons in curriculum/README.md, generated from the files themselves.

export const TABLE_START = "<!-- lessons-table:start (npm run curriculum:table) -->";
export const TABLE_END = "<!-- lessons-table:end -->";

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function lessonsTable(c: Curriculum): string {
  const lessons = c.tracks.flatMap((t) => t.lessons);
  const lines = [
    `${c.tracks.length} chủ đề, ${lessons.length} bài. Mã năng lực: \`digcomp-\` = DigComp 2.2, \`tt02-\` = Thông tư 02/2025/TT-BGDĐT, \`kns-\` = khung kỹ năng số cơ bản (QĐ 757).`,
    "",
    "| Chủ đề | # | `id` | Tên bài | Phút | Số bước | Năng lực | Học trước | Bước chưa kiểm chứng |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const t of c.tracks) {
    for (const l of t.lessons) {
      lines.push(
        `| ${cell(`${t.emoji ? `${t.emoji} ` : ""}${t.title}`)} | ${l.order} | \`${l.id}\` | ${cell(l.title)} | ${l.minutes} | ${l.steps.length} | ${l.competences.join(", ")} | ${l.requires.length ? l.requires.map((r) => `\`${r}\``).join(", ") : "—"} | ${l.unverified.length ? l.unverified.join(", ") : "—"} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Replaces the generated block (or the section's placeholder) in the README text. */
export function withTable(readme: string, table: string): string {
  const block = `${TABLE_START}\n${table}\n${TABLE_END}`;
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  if (a >= 0 && b > a) return readme.slice(0, a) + block + readme.slice(b + TABLE_END.length);
  return `${readme.trimEnd()}\n\n${block}\n`;
}
