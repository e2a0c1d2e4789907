import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { scrubSoon } from "../../src/store/db.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { postTelegram, startFakeTelegram, tgButton, tgText } from "../helpers/fake-telegram.js";

// What a learner typed must not stay in the database's files once handled, and nothing about an erased learner
// may stay at all: the files are searched byte by byte, as someone holding a copy of the disk would.

const SECRET = "tg_secret_for_tests";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let app: App | undefined;

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  dir.cleanup();
});

const start = () =>
  startApp({
    dbPath: `${dir.path}/t.db`,
    env: { TELEGRAM_BOT_TOKEN: "123456:TEST-token", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
  });

async function exchange(chat: number, update: unknown, more = 1): Promise<string[]> {
  const before = fake.texts(chat).length;
  expect((await postTelegram(app as App, update, SECRET)).statusCode).toBe(200);
  return eventually(() => {
    const texts = fake.texts(chat);
    expect(texts.length).toBeGreaterThanOrEqual(before + more);
    return texts.slice(before);
  });
}

const button = (chat: number, label: RegExp): string => {
  const found = fake.lastButtons(chat).find(([text]) => label.test(text));
  if (!found) throw new Error(`no button ${label} in ${JSON.stringify(fake.lastButtons(chat))}`);
  return found[1];
};

/** The database file and its WAL, as bytes. */
const files = () => [`${dir.path}/t.db`, `${dir.path}/t.db-wal`].filter(existsSync).map((f) => ({ f, bytes: readFileSync(f) }));

/** Waits until none of `needles` is anywhere in the files (after asking the database to scrub them). */
async function goneFromDisk(needles: string[]): Promise<void> {
  await eventually(
    () => {
      scrubSoon((app as App).db);
      for (const { f, bytes } of files()) for (const n of needles) expect(bytes.includes(Buffer.from(n)), `${n} in ${f}`).toBe(false);
    },
    15_000,
    250,
  );
}

const PHONE = "0912345678";
const ID_NUMBER = "079123456789";
const NAME = "Nguyễn Thị Hoa";
const QUESTION = `Tôi tên là ${NAME}, số điện thoại ${PHONE}, căn cước ${ID_NUMBER}, làm sao kích hoạt VNeID?`;

describe("nothing the learner typed stays on disk", () => {
  it("a question with a phone number, an ID number and a name: answered, then no raw copy in the files", async () => {
    app = await start();
    const u = 731_234_567;
    await exchange(u, tgText(u, "/start"), 2);
    await exchange(u, tgButton(u, button(u, /Đồng ý/)), 2);
    const answer = await exchange(u, tgText(u, QUESTION));
    expect(answer.join("\n")).not.toContain(PHONE);
    // The question is kept for admins, redacted; the raw text is nowhere.
    const stored = app.db.$client.prepare("select question from qa_questions").all() as Array<{ question: string }>;
    expect(stored).toHaveLength(1);
    expect(stored[0]?.question).not.toContain(PHONE);
    expect(stored[0]?.question).not.toContain(ID_NUMBER);
    await goneFromDisk([PHONE, ID_NUMBER, "Thị Hoa", QUESTION]);
  });

  it("erasing leaves no trace of the learner; one who declined storage had no question kept", async () => {
    app = await start();
    const u = 731_234_568;
    await exchange(u, tgText(u, "/start"), 2);
    // Declining is answered with two messages (no progress kept, then the topics): waiting for one let the
    // next exchange end on the second and read the wrong buttons.
    await exchange(u, tgButton(u, button(u, /Không/)), 2);
    expect((await exchange(u, tgText(u, "làm sao biết đường link giả"))).join("\n")).toMatch(/đường link/);
    expect((app.db.$client.prepare("select count(*) as n from qa_questions").get() as { n: number }).n).toBe(0);
    expect((await exchange(u, tgText(u, "xóa dữ liệu"))).join("\n")).toMatch(/có chắc muốn/);
    await exchange(u, tgButton(u, button(u, /Xóa/)));
    // The confirmation is sent, then forgotten too.
    await eventually(() => {
      for (const table of ["learners", "qa_questions", "outbox", "conversation_states"]) {
        const n = (app as App).db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number };
        expect(n.n, table).toBe(0);
      }
    });
    await goneFromDisk([String(u), "đường link giả"]);
  });
});
