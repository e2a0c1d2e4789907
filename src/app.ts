import { randomUUID } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { createChannels } from "./channels/registry.js";
import type { ChannelSender } from "./channels/types.js";
import type { Config } from "./config.js";
import { createDirect } from "./conversation/direct.js";
import { createGovernor } from "./conversation/governor.js";
import { createInbox } from "./conversation/inbox.js";
import { createOutbox, type OutboxOptions } from "./conversation/outbox.js";
import type { ChannelAdapter, Inbox } from "./conversation/ports.js";
import { createReminders, type Reminders } from "./conversation/reminders.js";
import { type ConversationStore, createConversationService, learnerTagger } from "./conversation/service.js";
import { createSharedInbox } from "./conversation/shared-inbox.js";
import { createSharedOutbox } from "./conversation/shared-outbox.js";
import type { Channel } from "./conversation/types.js";
import { createCurriculumStore } from "./curriculum/store.js";
import { createHandoff } from "./handoff/desk.js";
import { createTicketReminders, type TicketReminders } from "./handoff/reminders.js";
import { compactHeap } from "./heap.js";
import { createMetrics } from "./metrics.js";
import type { LlmClient } from "./qa/llm.js";
import { createQa } from "./qa/service.js";
import { buildServer } from "./server.js";
import type { Db } from "./store/db.js";
import { openStore, type Store } from "./store/open.js";
import type { PgDb, PgOptions } from "./store/postgres/db.js";
import { vnDayNumber } from "./time.js";
import { createSttTranscriber } from "./voice/stt.js";
import { createTtsSpeaker } from "./voice/tts.js";

/** The inbox as the app drives it, on either store. */
export interface AppInbox extends Inbox {
  /** Starts working (several instances: claiming learners); the local inbox works as updates arrive. */
  start?(): void;
  recover(): number;
  idle(): Promise<void>;
  close(timeoutMs?: number): Promise<void>;
}

/** The dispatcher as the app drives it, on either store. */
export interface AppOutbox {
  start(): void;
  stop(timeoutMs?: number): Promise<void>;
  kick(): void;
  pendingCount(): number | Promise<number>;
  purge(olderThanMs?: number): number | Promise<number>;
  forgetOnceSent(channel: string, chatId: string): void;
}

export interface App {
  server: FastifyInstance;
  store: Store;
  /** The SQLite database (tests, tools); throws when the app runs on PostgreSQL. */
  readonly db: Db;
  curriculum: ReturnType<typeof createCurriculumStore>;
  inbox: AppInbox;
  outbox: AppOutbox;
  reminders: Reminders;
  /** The staff group's reminders of unanswered tickets (the hand-off), where it is set up. */
  ticketReminders?: TicketReminders;
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
  /** Upper bound for fetching and transcribing a voice note (default STT_TIMEOUT_SECONDS). */
  sttTimeoutMs?: number;
  /** Upper bound for reading a text aloud (default TTS_TIMEOUT_SECONDS). */
  ttsTimeoutMs?: number;
  /** PostgreSQL: a schema of its own (tests), the pool's size. */
  postgres?: PgOptions;
  /** PostgreSQL: this instance's name in leases, and how long they last (tests of take-over). */
  instance?: { owner?: string; leaseMs?: number };
  /** The clock of turns, reminders and the hand-off's staff hours (tests: a fixed daytime hour, days passing without waiting). */
  now?: () => number;
}

/** Wires config → store → curriculum → services → server. Used by main.ts and by the integration tests. */
export async function createApp(config: Config, logger: Logger, opts: AppOptions = {}): Promise<App> {
  const store = await openStore(config, opts.postgres, logger);
  // Learners are named in logs by a keyed hash: stable across restarts, not reversible without the key.
  const learnerTag = learnerTagger(store.logKey);
  // The last good lessons are kept beside the database, so broken files at a restart do not take the tutor down.
  const curriculum = createCurriculumStore({
    dir: config.curriculumDir,
    logger,
    keepDir: join(dirname(resolve(config.databasePath)), "curriculum-last-good"),
  });
  try {
    await curriculum.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  const mediaDir = resolve(config.curriculumDir, "media");
  const metrics = createMetrics(store.backlog, curriculum);
  const tts = config.tts;
  const speaker = tts
    ? createTtsSpeaker({
        baseUrl: tts.baseUrl,
        ...(tts.apiKey ? { apiKey: tts.apiKey } : {}),
        model: tts.model,
        voice: tts.voice,
        cacheDir: tts.cacheDir,
        timeoutMs: opts.ttsTimeoutMs ?? tts.timeoutMs,
        logger,
        metrics,
        // Reading aloud is a model call (a cached step is not): it counts against the day's budget (OPENAI_DAILY_CALLS).
        takeBudget: () => store.qa.takeBudget(vnDayNumber(Date.now()), tts.dailyCalls),
      })
    : undefined;
  const channels = new Map(
    createChannels(config, {
      logger,
      mediaDir,
      learnerTag,
      zaloOaStore: store.zaloOa,
      registry: metrics.registry,
      ...(speaker ? { audio: speaker.audio } : {}),
    }).map((c) => [c.channel, c]),
  );
  /** Channels with a reply window (Zalo OA: 48 hours), and its length. */
  const replyWindows = Object.fromEntries([...channels.values()].flatMap((c) => (c.replyWindow ? [[c.channel, c.replyWindow.ms]] : [])));
  const senders: Partial<Record<Channel, ChannelSender>> = Object.fromEntries([...channels].map(([name, c]) => [name, c.sender]));

  const qa = createQa({
    store: store.qa,
    metrics,
    curriculum: () => curriculum.current(),
    logger,
    promptsDir: config.promptsDir,
    compactHeap,
    ...(config.llm ? { dailyLlmBudget: config.llm.dailyCalls } : {}),
    ...(opts.qaDeadlineMs ? { deadlineMs: opts.qaDeadlineMs } : {}),
    ...(config.llm ? { llm: opts.llm ?? (await openAiLlm(config.llm, logger, opts.qaDeadlineMs)) } : {}),
  });
  const stt = config.stt;
  const transcriber = stt
    ? createSttTranscriber({
        baseUrl: stt.baseUrl,
        ...(stt.apiKey ? { apiKey: stt.apiKey } : {}),
        model: stt.model,
        timeoutMs: opts.sttTimeoutMs ?? stt.timeoutMs,
        source: (channel) => channels.get(channel)?.voice,
        logger,
        metrics,
        // A transcription is a model call: it counts against the day's budget for everyone (OPENAI_DAILY_CALLS).
        takeBudget: () => store.qa.takeBudget(vnDayNumber(Date.now()), stt.dailyCalls),
      })
    : undefined;
  const owner = opts.instance?.owner;
  const leaseMs = opts.instance?.leaseMs ?? config.instanceLeaseMs;
  const conversationStore: ConversationStore =
    store.kind === "local" ? { kind: "local", local: store.local } : { kind: "shared", shared: store.shared, owner: owner ?? randomUUID() };
  // The hand-off to a person: the staff group one channel hosts (Telegram: STAFF_TELEGRAM_CHAT_ID).
  const desk = [...channels.values()].find((c) => c.staffDesk)?.staffDesk;
  const handoff =
    desk && config.handoff
      ? createHandoff({
          desk,
          hours: config.handoff.hours,
          perDay: config.handoff.perDay,
          curriculum: () => curriculum.current(),
          learnerTag,
          now: opts.now ?? Date.now,
        })
      : undefined;
  const conversation = createConversationService({
    store: conversationStore,
    ...(opts.now ? { now: () => new Date((opts.now as () => number)()) } : {}),
    curriculum: () => curriculum.current(),
    logger,
    qa,
    ...(transcriber ? { transcriber } : {}),
    // The web page plays audio; the terminal cannot; messaging channels say whether they send voice notes.
    ...(speaker
      ? { speech: { speaker, plays: (channel: Channel) => channel === "web" || channels.get(channel)?.playsAudio === true } }
      : {}),
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
    learnerTag,
    ...(opts.now ? { now: () => new Date((opts.now as () => number)()) } : {}),
    shapeTurn: (channel, replies) => channels.get(channel)?.shapeTurn?.(replies) ?? replies,
    ...(handoff
      ? {
          handoff,
          onTickets: (events) => {
            for (const event of events) metrics.tickets.inc({ event });
          },
        }
      : {}),
    onErased: (channel, chatId) => {
      outbox.forgetOnceSent(channel, chatId);
      store.scrub();
    },
  });
  const outboxOptions = { ...config.outbox, ...opts.outbox };
  // "typing…" as soon as the bot works (where the platform asks for it), or before a model call.
  const onWork = ({ channel, chatId }: { channel: string; chatId: string }) => {
    const c = channels.get(channel as Channel);
    if (c?.typingWhen === "working") void c.sender.typing?.(chatId);
  };
  const onSlow = ({ channel, chatId }: { channel: string; chatId: string }) => {
    const c = channels.get(channel as Channel);
    if (c?.typingWhen === "slow") void c.sender.typing?.(chatId);
  };
  let outbox: AppOutbox;
  let inbox: AppInbox;
  if (store.kind === "local") {
    // One process: one meter for both kinds of background work, so acknowledgements come first under a flood.
    const governor = createGovernor({ budget: config.background });
    const local = createOutbox({ store: store.outbox, senders, logger, governor, options: outboxOptions });
    outbox = local;
    inbox = createInbox({
      store: store.local,
      conversation,
      logger,
      governor,
      onQueued: () => {
        local.kick();
        direct.notify();
      },
      onWork,
      onSlow,
    });
  } else {
    const shared = createSharedOutbox({
      store: store.outbox,
      senders,
      logger,
      ...(owner ? { owner } : {}),
      // A reply being sent is held twice as long as a learner: longer than a send can take.
      options: { ...outboxOptions, leaseMs: leaseMs * 2 },
    });
    outbox = shared;
    inbox = createSharedInbox({
      shared: store.shared,
      conversation,
      logger,
      owner: conversationStore.kind === "shared" ? conversationStore.owner : undefined,
      leaseMs,
      concurrency: config.workConcurrency,
      onQueued: () => {
        shared.kick();
        direct.notify();
      },
      onWork,
      onSlow,
    });
  }
  // The web chat's (and terminal's) messages take the same path; their requests collect the replies.
  const direct = createDirect({ inbox, replies: store.direct });
  const reminders = createReminders({
    store: store.reminders,
    channels: [...channels.keys()],
    curriculum: () => curriculum.current(),
    logger,
    inactiveDays: config.reminderDays,
    onQueued: () => outbox.kick(),
    // Channels with a reply window (Zalo OA: 48 hours): learners past it are skipped, and the channel counts them.
    windows: replyWindows,
    onOutsideWindow: (channel, kind, n) => channels.get(channel as Channel)?.replyWindow?.outside(kind, n),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const ticketReminders =
    desk && config.handoff
      ? createTicketReminders({
          store: store.tickets,
          desk,
          hours: config.handoff.hours,
          remindMs: config.handoff.remindMs,
          logger,
          onQueued: () => outbox.kick(),
          ...(opts.now ? { now: opts.now } : {}),
        })
      : undefined;
  // Housekeeping: sent outbox rows, old deduplication keys (Telegram redelivers for about a day) and old questions.
  let housekeeping: NodeJS.Timeout | undefined;
  const tidy = () =>
    store.tidy(Date.now()).then(
      ({ sent, keys, questions, tickets }) => {
        if (sent + keys + questions + tickets > 0) logger.info({ sent, keys, questions, tickets }, "housekeeping");
      },
      (err: Error) => logger.warn({ err: { type: err.name } }, "housekeeping failed"),
    );
  const server = buildServer({
    logger,
    databaseUp: store.up,
    certificates: store.certificates,
    conversation,
    direct,
    inbox,
    channels: [...channels.values()],
    curriculum: () => curriculum.current(),
    mediaDir,
    trustProxy: config.trustProxy,
    ...(config.webChat.enabled ? { webChat: config.webChat } : {}),
    ...(transcriber ? { transcriber } : {}),
    ...(speaker ? { audio: speaker.audio } : {}),
    ...(config.adminToken
      ? {
          admin: {
            store: store.admin,
            adminToken: config.adminToken,
            targetsFile: config.targetsFile,
            curriculum: () => curriculum.current(),
            curriculumStatus: () => curriculum.lastReload,
            announce: (text: string) => reminders.announce(text),
            metrics: metrics.registry,
            replyWindows,
            channelProblems: () => [...channels.values()].filter((c) => c.health && !c.health().ok).map((c) => c.channel),
            ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
          },
        }
      : {}),
  });

  return {
    server,
    store,
    get db(): Db {
      if (store.kind !== "local") throw new Error("this app runs on PostgreSQL (DATABASE_URL): use app.store.pg");
      return store.db;
    },
    curriculum,
    inbox,
    outbox,
    reminders,
    ...(ticketReminders ? { ticketReminders } : {}),
    channels,
    async start() {
      if (opts.watch ?? true) curriculum.watch();
      // The question index is built before webhooks come in, and again right after a reload,
      // rather than inside the first learner's turn (it stalled the event loop for ~0.1 s).
      qa.warm();
      curriculum.onChange(() => qa.warm());
      outbox.start();
      reminders.start();
      ticketReminders?.start();
      housekeeping = setInterval(tidy, 3600_000);
      housekeeping.unref();
      inbox.start?.();
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
      ticketReminders?.stop();
      const closing = server.close();
      const cut = setTimeout(() => server.server.closeAllConnections(), 2000);
      await closing;
      clearTimeout(cut);
      await Promise.all([...channels.values()].map((c) => c.stopPolling()));
      await Promise.all([inbox.close(4000), outbox.stop(4000)]);
      curriculum.close();
      // A copy of the last good lessons still being written (in the background after a load) is finished, not cut.
      await Promise.race([curriculum.kept(), new Promise((r) => setTimeout(r, 2000).unref())]);
      await store.close();
    },
  };
}

export type { PgDb };

/** The model client, loaded only when a model is configured (its SDK takes a tenth of a second to load). */
async function openAiLlm(llm: NonNullable<Config["llm"]>, logger: Logger, deadlineMs?: number): Promise<LlmClient> {
  const { createOpenAiLlm } = await import("./qa/llm.js");
  return createOpenAiLlm({ ...llm, logger, timeoutMs: Math.min(15_000, deadlineMs ?? 15_000) });
}
