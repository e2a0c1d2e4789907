import { dirname, join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { logPseudonymKey } from "./admin/pseudonym.js";
import { createChannels } from "./channels/registry.js";
import type { ChannelSender } from "./channels/types.js";
import type { Config } from "./config.js";
import { createGovernor } from "./conversation/governor.js";
import { createInbox, type Inbox } from "./conversation/inbox.js";
import { createOutbox, type Outbox, type OutboxOptions } from "./conversation/outbox.js";
import type { ChannelAdapter } from "./conversation/ports.js";
import { createReminders, type Reminders } from "./conversation/reminders.js";
import { createConversationService, learnerTagger } from "./conversation/service.js";
import type { Channel } from "./conversation/types.js";
import { createCurriculumStore } from "./curriculum/store.js";
import { createMetrics } from "./metrics.js";
import { createOpenAiLlm, type LlmClient } from "./qa/llm.js";
import { createQa } from "./qa/service.js";
import { buildServer } from "./server.js";
import { closeDatabase, type Db, openDatabase, scrubSoon } from "./store/db.js";

export interface App {
  server: FastifyInstance;
  db: Db;
  curriculum: ReturnType<typeof createCurriculumStore>;
  inbox: Inbox;
  outbox: Outbox;
  reminders: Reminders;
  /** The messaging channels enabled by the configuration (channels/registry.ts). */
  channels: ReadonlyMap<Channel, ChannelAdapter>;
  /** Starts background work: curriculum watching, the outbox dispatcher, recovery of unfinished updates, polling modes. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  watch?: boolean;
  outbox?: OutboxOptions;
  /** A model client to use instead of the configured endpoint (tests). */
  llm?: LlmClient;
  /** Upper bound for a model answer before the lessons-only answer is used (default 18 s). */
  qaDeadlineMs?: number;
}

/** Wires config → db → curriculum → services → server. Used by main.ts and by the integration tests. */
export async function createApp(config: Config, logger: Logger, opts: AppOptions = {}): Promise<App> {
  const db = openDatabase(config.databasePath, { backgroundCheckpoints: true });
  // Learners are named in logs by a keyed hash: stable across restarts, not reversible without the database.
  const learnerTag = learnerTagger(logPseudonymKey(db, config.databasePath, config.logPseudonymKey));
  // The last good lessons are kept beside the database, so broken files at a restart do not take the tutor down.
  const curriculum = createCurriculumStore({
    dir: config.curriculumDir,
    logger,
    keepDir: join(dirname(resolve(config.databasePath)), "curriculum-last-good"),
  });
  try {
    await curriculum.start();
  } catch (err) {
    await closeDatabase(db);
    throw err;
  }
  const mediaDir = resolve(config.curriculumDir, "media");
  const channels = new Map(createChannels(config, { logger, mediaDir, learnerTag }).map((c) => [c.channel, c]));
  const senders: Partial<Record<Channel, ChannelSender>> = Object.fromEntries([...channels].map(([name, c]) => [name, c.sender]));

  const metrics = createMetrics(db, curriculum);
  const qa = createQa({
    db,
    metrics,
    curriculum: () => curriculum.current(),
    logger,
    promptsDir: config.promptsDir,
    ...(config.llm ? { dailyLlmBudget: config.llm.dailyCalls } : {}),
    ...(opts.qaDeadlineMs ? { deadlineMs: opts.qaDeadlineMs } : {}),
    ...(config.llm
      ? { llm: opts.llm ?? createOpenAiLlm({ ...config.llm, logger, timeoutMs: Math.min(15_000, opts.qaDeadlineMs ?? 15_000) }) }
      : {}),
  });
  const conversation = createConversationService({
    db,
    curriculum: () => curriculum.current(),
    logger,
    qa,
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
    learnerTag,
    onErased: (channel, chatId) => {
      outbox.forgetOnceSent(channel, chatId);
      scrubSoon(db);
    },
  });
  // One meter for both kinds of background work: acknowledgements come first under a flood.
  const governor = createGovernor({ budget: config.background });
  const outbox = createOutbox({ db, senders, logger, governor, options: { ...config.outbox, ...opts.outbox } });
  const reminders = createReminders({
    db,
    senders,
    curriculum: () => curriculum.current(),
    logger,
    inactiveDays: config.reminderDays,
    onQueued: () => outbox.kick(),
  });
  const inbox = createInbox({
    db,
    conversation,
    logger,
    governor,
    onQueued: () => outbox.kick(),
    // "typing…" as soon as the bot works (where the platform asks for it), or before a model call.
    onWork: ({ channel, chatId }) => {
      const c = channels.get(channel as Channel);
      if (c?.typingWhen === "working") void c.sender.typing?.(chatId);
    },
    onSlow: ({ channel, chatId }) => {
      const c = channels.get(channel as Channel);
      if (c?.typingWhen === "slow") void c.sender.typing?.(chatId);
    },
  });
  // Housekeeping: sent outbox rows and old deduplication keys need not stay (Telegram redelivers for about a day).
  let housekeeping: NodeJS.Timeout | undefined;
  const tidy = () => {
    try {
      const sent = outbox.purge(24 * 3600_000);
      const keys = db.$client.prepare("delete from processed_messages where at < ?").run(Date.now() - 7 * 24 * 3600_000).changes;
      // Redacted questions are kept for content review for six months at most (see the privacy notice).
      const questions = db.$client.prepare("delete from qa_questions where created_at < ?").run(Date.now() - 180 * 24 * 3600_000).changes;
      if (sent + keys + questions > 0) logger.info({ sent, keys, questions }, "housekeeping");
    } catch (err) {
      logger.warn({ err: { type: (err as Error).name } }, "housekeeping failed");
    }
  };
  const server = buildServer({
    logger,
    db,
    conversation,
    inbox,
    channels: [...channels.values()],
    curriculum: () => curriculum.current(),
    mediaDir,
    trustProxy: config.trustProxy,
    ...(config.webChat.enabled ? { webChat: config.webChat } : {}),
    ...(config.adminToken
      ? {
          admin: {
            adminToken: config.adminToken,
            targetsFile: config.targetsFile,
            curriculum: () => curriculum.current(),
            curriculumStatus: () => curriculum.lastReload,
            announce: (text: string) => reminders.announce(text),
            metrics: metrics.registry,
            ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
          },
        }
      : {}),
  });

  return {
    server,
    db,
    curriculum,
    inbox,
    outbox,
    reminders,
    channels,
    async start() {
      if (opts.watch ?? true) curriculum.watch();
      // The question index is built before webhooks come in, and again right after a reload,
      // rather than inside the first learner's turn (it stalled the event loop for ~0.1 s).
      qa.warm();
      curriculum.onChange(() => qa.warm());
      outbox.start();
      reminders.start();
      housekeeping = setInterval(tidy, 3600_000);
      housekeeping.unref();
      const recovered = inbox.recover();
      if (recovered > 0) logger.info({ learners: recovered }, "resuming updates recorded before the last stop");
      for (const c of channels.values()) if (c.mode === "polling") c.startPolling(inbox);
    },
    /**
     * Stops within about 7 s (systemd and container runtimes wait 10 before killing): new requests get 503, requests
     * still running after 2 s (a slow model) are cut off — their updates stay recorded and are answered after the
     * restart — then the tutor's work and the sends drain side by side, every confirmed send marked.
     */
    async close() {
      if (housekeeping) clearInterval(housekeeping);
      reminders.stop();
      const closing = server.close();
      const cut = setTimeout(() => server.server.closeAllConnections(), 2000);
      await closing;
      clearTimeout(cut);
      await Promise.all([...channels.values()].map((c) => c.stopPolling()));
      await Promise.all([inbox.close(4000), outbox.stop(4000)]);
      curriculum.close();
      await closeDatabase(db);
    },
  };
}
