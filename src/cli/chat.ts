import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { createInterface } from "node:readline";
import { ConfigError, loadConfigFromProcess } from "../config.js";
import { createDirect } from "../conversation/direct.js";
import { createInbox } from "../conversation/inbox.js";
import { createConversationService } from "../conversation/service.js";
import { formatProblem } from "../curriculum/format.js";
import { loadCurriculum } from "../curriculum/load.js";
import { createLogger } from "../logger.js";
import { createOpenAiLlm } from "../qa/llm.js";
import { createQa } from "../qa/service.js";
import { openDatabase } from "../store/db.js";
import { directReplies, localStore, qaStore } from "../store/repo.js";
import { renderPlain } from "../tutor/replies.js";
import { vi } from "../tutor/texts.vi.js";
import { cliArgs } from "./args.js";

// `npm run chat`: the tutor in a terminal. Reads lines from stdin, so it can be scripted:
//   printf 'Xin chào\n1\n1\ntiếp\n' | npm run chat

async function main(): Promise<void> {
  const { values } = cliArgs(
    `npm run chat [-- --user TÊN]

  Trò chuyện với trợ lý ngay trong cửa sổ lệnh. Đọc từng dòng từ bàn phím (hoặc từ một tệp):
    printf 'Xin chào\\n1\\n1\\ntiếp\\n' | npm run chat
  --user TÊN  giữ riêng tiến độ của từng người học thử`,
    { user: { type: "string", short: "u" } },
  );
  const config = loadConfigFromProcess();
  const logger = createLogger("silent");
  const loaded = await loadCurriculum(config.curriculumDir);
  if (!loaded.curriculum) {
    for (const p of loaded.problems.filter((x) => x.severity === "error")) console.error(formatProblem(p));
    console.error("Không đọc được bài học. Hãy sửa các lỗi trên rồi chạy lại.");
    process.exit(1);
  }
  const curriculum = loaded.curriculum;
  const db = openDatabase(config.databasePath);
  const qa = createQa({
    store: qaStore(db),
    curriculum: () => curriculum,
    logger,
    promptsDir: config.promptsDir,
    ...(config.llm ? { llm: createOpenAiLlm({ ...config.llm, logger }) } : {}),
  });
  const local = localStore(db);
  const conversation = createConversationService({ store: { kind: "local", local }, curriculum: () => curriculum, logger, qa });
  // The same path as every channel: the inbox records each line, the worker answers it, the replies are collected.
  const inbox = createInbox({ store: local, conversation, logger, onQueued: () => direct.notify() });
  const direct = createDirect({ inbox, replies: directReplies(db) });
  const user = values.user ?? userInfo().username;
  const interactive = process.stdin.isTTY === true;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const ask = async (text: string) => {
    const { replies } = await direct.handle({ channel: "cli", userKey: user, chatId: user, messageKey: randomUUID(), text });
    for (const r of replies) {
      say("");
      say(renderPlain(r, vi.quick, vi.quickHint).replace(/^/gm, "  "));
      if (r.image) say(`  [Hình: ${r.image.alt}]`);
    }
    say("");
  };

  const rl = createInterface({ input: process.stdin, terminal: false });
  if (interactive) {
    say("Bình dân học AI — trò chuyện trong cửa sổ lệnh. Gõ rồi nhấn Enter; Ctrl+D để thoát.");
    process.stdout.write("> ");
  }
  for await (const line of rl) {
    const text = line.trim();
    if (!interactive) say(`> ${text}`);
    if (text) await ask(text);
    if (interactive) process.stdout.write("> ");
  }
  await inbox.close();
  db.$client.close();
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
