import { createHmac, randomBytes, randomInt } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import type { Queued } from "../channels/types.js";
import type { Curriculum } from "../curriculum/types.js";
import type { Handoff, Relay, TicketEvent } from "../handoff/desk.js";
import { learningWrites } from "../learning/record.js";
import { emptyLearning, isEmptyWrites, type LearningView } from "../learning/types.js";
import type { Qa, QaOutcome } from "../qa/service.js";
import { vnDateDmy, vnDayNumber } from "../time.js";
import {
  answered,
  currentScreen,
  initialState,
  type StepResult,
  step,
  type TutorContext,
  type TutorEvent,
  type TutorInput,
  type TutorState,
} from "../tutor/engine.js";
import { type Reply, spokenText } from "../tutor/replies.js";
import { vi } from "../tutor/texts.vi.js";
import type { Speaker } from "../voice/tts.js";
import { problemOf, type Transcriber } from "../voice/types.js";
import {
  type InboxRow,
  type LearnerRow,
  type LearnerStore,
  type LocalStore,
  learnerKey,
  type SharedStore,
  type SharedTurn,
} from "./ports.js";
import { type Channel, type InboundMessage, type MediaKind, voiceFromInbox } from "./types.js";

/** Commands a learner may say, given to the transcriber as likely words. */
const VOICE_COMMANDS = ["tiếp", "nhắc lại", "quay lại", "menu", "trợ giúp", "đọc to"];

/** Where learners' data lives: this process's own database, or one shared by several instances. */
export type ConversationStore = { kind: "local"; local: LocalStore } | { kind: "shared"; shared: SharedStore; owner: string };

export interface ConversationDeps {
  store: ConversationStore;
  curriculum: () => Curriculum;
  logger: Logger;
  /** The question pipeline; without it free-form questions get the "not understood" hint. */
  qa?: Qa;
  now?: () => Date;
  /** For certificate links. */
  publicBaseUrl?: string;
  /** Pseudonyms of learners in the logs; default: under a random key. */
  learnerTag?: LearnerTag;
  /** A channel's limit on the messages that answer one learner message (channels/registry: ChannelAdapter.shapeTurn). */
  shapeTurn?: (channel: Channel, replies: Reply[]) => Reply[];
  /** Speech to text for voice notes; without it they get the kind "please type" reply. */
  transcriber?: Transcriber;
  /** Text to speech for "đọc to", and which channels can play the audio; without it the learner is told kindly. */
  speech?: { speaker: Speaker; plays: (channel: Channel) => boolean };
  /** Called after a learner's data is erased (the reply confirming it is then forgotten once sent, and the files scrubbed). */
  onErased?: (channel: Channel, chatId: string) => void;
  /** The hand-off to a person (handoff/desk.ts), where a staff desk is set up. */
  handoff?: Handoff;
  /** Tickets opened, answered, closed and messages relayed by a turn, once it is applied (/metrics). */
  onTickets?: (events: readonly TicketEvent[]) => void;
}

export type { InboxRow };

// Shape check on what comes back from the database: an old or damaged state restarts politely.
const stateSchema = z.object({
  v: z.literal(1),
  screen: z.looseObject({ kind: z.string() }),
  consent: z.boolean().nullable(),
  lesson: z
    .object({
      lessonId: z.string(),
      stepIndex: z.number().int().min(0),
      stepTitle: z.string(),
      wrong: z.number().int().min(0),
      hinted: z.boolean().optional(),
    })
    .optional(),
  readAloud: z.boolean().optional(),
});

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** A certificate code people can read out: 10 characters, no 0/O or 1/I. */
export function certificateCode(): string {
  return Array.from(randomBytes(10), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

/** A learner's pseudonym in the logs, from their channel and id: never the raw chat id. */
export type LearnerTag = (channel: string, userKey: string) => string;

/**
 * Pseudonyms under a key. Chat ids are easy to enumerate (a Telegram id is a number), so an unkeyed hash of one
 * could be reversed by anyone reading the logs; keyed, it cannot without the key (kept outside the database, so
 * pseudonyms stay stable across restarts). Without a key — tests, tools — a random one.
 */
export function learnerTagger(key: string = randomBytes(32).toString("hex")): LearnerTag {
  return (channel, userKey) => createHmac("sha256", key).update(`${channel}:${userKey}`).digest("hex").slice(0, 12);
}

/** A reply as it is queued: the request to read it aloud has been dealt with (its audio, if any, is in `audio`). */
const plain = ({ speak: _, ...r }: Reply): Reply => r;

interface Thought {
  out: StepResult;
  qa?: QaOutcome;
  /** A ticket is open: the text goes to the staff instead of the tutor. */
  relay?: Relay;
}

interface Turn {
  /** Null when the learner has just deleted their data. */
  learnerId: number | null;
  replies: Reply[];
  events: TutorEvent[];
  tickets?: TicketEvent[];
}

export function createConversationService(deps: ConversationDeps) {
  const now = deps.now ?? (() => new Date());
  const learnerTag = deps.learnerTag ?? learnerTagger();

  function loadState(store: LearnerStore, learnerId: number | undefined): TutorState {
    if (learnerId === undefined) return initialState();
    const stored = stateSchema.safeParse(store.loadState(learnerId));
    return stored.success ? (stored.data as TutorState) : initialState();
  }

  /** Runs the tutor on the stored state (read-only), and the question pipeline when the text is a question. */
  function contextFor(store: LearnerStore, learner: LearnerRow | undefined, channel: Channel): TutorContext {
    const progress = learner?.consent ? store.loadProgress(learner.id) : new Map();
    let learning: LearningView | undefined;
    const at = now().getTime();
    return {
      audio: deps.speech?.plays(channel) ?? false,
      curriculum: deps.curriculum(),
      progress,
      learner: { reminders: learner?.reminders ?? null, certifiedTracks: learner ? store.certifiedTracks(learner.id) : new Set() },
      get certificateCode() {
        return certificateCode();
      },
      today: vnDateDmy(at),
      day: vnDayNumber(at),
      // Read when the tutor looks (a review, a test, the progress screen), not on every turn.
      get learning() {
        learning ??= learner?.consent ? store.loadLearning(learner.id) : emptyLearning();
        return learning;
      },
      seed: randomInt(2 ** 31),
      ...(deps.handoff ? { handoff: deps.handoff.context(store, learner?.id) } : {}),
      ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
    };
  }

  /**
   * Synchronous unless the text goes to the question pipeline (which may call a model) or is a voice note to
   * transcribe: both happen outside any transaction (the caller applies the turn in its own afterwards).
   */
  function think(store: LearnerStore, msg: InboundMessage, onSlow?: () => void): Thought | Promise<Thought> {
    const thought = understand(store, msg, onSlow);
    if (thought instanceof Promise) return thought.then((t) => withSpeech(t, onSlow));
    return withSpeech(thought, onSlow);
  }

  /**
   * Replies the tutor asked to be read aloud get their audio (from the cache, or made now, outside any transaction).
   * When it cannot be made, the text stands and the learner is told once in the turn.
   */
  function withSpeech(thought: Thought, onSlow?: () => void): Thought | Promise<Thought> {
    const replies = thought.out.replies;
    const speaker = deps.speech?.speaker;
    if (!speaker || !replies.some((r) => r.speak)) return thought;
    onSlow?.();
    return Promise.all(replies.map((r) => (r.speak ? speaker.speak(spokenText(r)) : undefined))).then((made) => {
      const out: Reply[] = replies.map((r, i) => {
        const m = made[i];
        return m?.ok ? { ...plain(r), audio: { key: m.key } } : plain(r);
      });
      if (made.some((m) => m && !m.ok)) out.push({ text: vi.readAloudFailed });
      return { ...thought, out: { ...thought.out, replies: out } };
    });
  }

  function understand(store: LearnerStore, msg: InboundMessage, onSlow?: () => void): Thought | Promise<Thought> {
    const transcriber = deps.transcriber;
    if (msg.media === "voice" && msg.voice && transcriber) {
      const voice = msg.voice;
      const prompt = promptFor(store, msg);
      onSlow?.(); // "typing…" while it is downloaded and transcribed
      return transcriber.transcribe({ channel: msg.channel, voice, prompt }).then((heard) => {
        if (!heard.ok) return thinkOn(store, msg, { kind: "media", media: "voice", voice: problemOf(heard.reason) }, onSlow);
        // What was understood, shown first; then it is handled exactly as if typed (commands, options, questions).
        const typed: InboundMessage = {
          channel: msg.channel,
          userKey: msg.userKey,
          chatId: msg.chatId,
          messageKey: msg.messageKey,
          text: heard.text,
        };
        const said = (t: Thought): Thought => ({
          ...t,
          out: { ...t.out, replies: [{ text: vi.voiceHeard(heard.text) }, ...t.out.replies] },
        });
        const thought = thinkOn(store, typed, { kind: "text", text: heard.text }, onSlow);
        return thought instanceof Promise ? thought.then(said) : said(thought);
      });
    }
    const input: TutorInput = msg.media ? { kind: "media", media: msg.media } : { kind: "text", text: msg.text };
    return thinkOn(store, msg, input, onSlow);
  }

  /** Words the learner is likely to say now (the options on screen, the commands): the transcriber spells them better. */
  function promptFor(store: LearnerStore, msg: Pick<InboundMessage, "channel" | "userKey">): string {
    const learner = store.findLearner(msg.channel, msg.userKey);
    const screen = learner ? currentScreen(loadState(store, learner.id), contextFor(store, learner, msg.channel)) : [];
    const labels = screen.flatMap((r) => (r.options ?? []).map((o) => o.label));
    return [...labels, ...VOICE_COMMANDS].join(", ");
  }

  function thinkOn(store: LearnerStore, msg: InboundMessage, input: TutorInput, onSlow?: () => void): Thought | Promise<Thought> {
    const learner = store.findLearner(msg.channel, msg.userKey);
    const state = loadState(store, learner?.id);
    const ctx = contextFor(store, learner, msg.channel);
    const relay = input.kind === "text" ? deps.handoff?.relayOf(ctx.handoff?.open, state, input.text) : undefined;
    if (relay) return { out: { state, replies: [], events: [] }, relay };
    const out = step(state, input, ctx);
    if (!out.question || !deps.qa) {
      if (out.question)
        out.replies.push({
          text: "Xin lỗi bác, tôi chưa hiểu ý bác. Bác gõ **menu** để chọn bài học, hoặc **trợ giúp** để xem cách dùng.",
        });
      return { out };
    }
    return deps.qa
      .ask({
        text: out.question.text,
        learnerKey: `${msg.channel}:${msg.userKey}`,
        ...(out.question.quiz ? { quiz: out.question.quiz } : {}),
        ...(onSlow ? { onSlow } : {}),
      })
      .then((qa) => ({ out, qa }));
  }

  /** Writes one turn: learner, state, progress, the question asked. Runs inside the caller's transaction. */
  function commit(store: LearnerStore, msg: InboundMessage, thought: Thought, at: Date): Turn {
    const learner = store.upsertLearner(msg.channel, msg.userKey, msg.chatId, at);
    let { out } = thought;
    const consent = out.events.find((e) => e.type === "consent");
    if (consent) store.setConsent(learner.id, consent.granted, at);
    const storeHistory = consent ? consent.granted : learner.consent === true;
    const tickets: TicketEvent[] = [];
    const handoff = deps.handoff;
    if (thought.relay && handoff) {
      out = { ...out, replies: [...out.replies, ...handoff.relay(store, learner.id, thought.relay, at)] };
      tickets.push("relayed");
    }
    if (thought.qa) {
      const q = thought.qa;
      // A learner who declined storage has no question kept — except one that needs a human (self-harm), kept
      // linked to them so that erasing their data removes it too.
      const questionId =
        storeHistory || q.flagged
          ? store.insertQuestion({
              learnerId: learner.id,
              channel: msg.channel,
              question: q.redacted.slice(0, 2000),
              action: q.action,
              rule: q.rule,
              lessonId: q.lessonId ?? null,
              source: q.source,
              grounded: q.grounded,
              flagged: q.flagged,
              at,
            })
          : undefined;
      const feedback = q.action === "answer" || q.action === "advice";
      const offer = handoff?.offerFor(q);
      const after = answered(
        out.state,
        {
          texts: q.texts,
          ...(q.lessonId ? { lessonId: q.lessonId } : {}),
          ...(q.closeLessonIds ? { closeLessonIds: q.closeLessonIds } : {}),
          questionId,
          feedback,
          ...(offer ? { handoff: offer } : {}),
        },
        contextFor(store, learner, msg.channel),
      );
      out = { ...after, replies: [...out.replies, ...after.replies], events: [...out.events, ...after.events] };
    }
    if (out.events.some((e) => e.type === "delete_all")) {
      // Everything about the learner goes at once (progress, state, questions, certificates,
      // reminders, tickets, queued messages) through the foreign keys' cascades; only the reply remains.
      handoff?.erasing(store, learner.id, at);
      store.deleteLearner({ id: learner.id, channel: msg.channel, chatId: msg.chatId, userKey: msg.userKey });
      deps.onErased?.(msg.channel, msg.chatId);
      return { learnerId: null, replies: out.replies, events: out.events };
    }
    store.saveState(learner.id, out.state, at);
    const replies = [...out.replies];
    for (const e of out.events) {
      if (e.type === "feedback") {
        store.setFeedback(e.questionId, learner.id, e.useful);
      } else if (e.type === "reminders") {
        store.setReminders(learner.id, e.on);
      } else if (e.type === "certificate") {
        store.issueCertificate({
          learnerId: learner.id,
          trackId: e.trackId,
          trackTitle: e.trackTitle,
          code: e.code,
          firstName: e.firstName ?? null,
          at,
        });
      } else if (e.type === "handoff" && handoff) {
        replies.push(...handoff.open(store, learner.id, msg, e, at));
        tickets.push("opened");
      }
    }
    // Learning history is kept only with consent; the current position (state) is the minimum needed to teach.
    if (out.state.consent) {
      store.recordEvents(learner.id, out.events, at);
      // Review cards, mastery, delayed answers and track tests (after the quiz attempts they refer to).
      if (out.events.some((e) => e.type === "quiz_answered" || e.type === "review_answered" || e.type === "track_test")) {
        const writes = learningWrites(store.loadLearning(learner.id), out.events, deps.curriculum(), at.getTime());
        if (!isEmptyWrites(writes)) store.saveLearning(learner.id, writes, at);
      }
    }
    return { learnerId: learner.id, replies, events: out.events, tickets };
  }

  /** Once a turn is applied: one log line (never the text), and its tickets counted. */
  const logTurn = (msg: Pick<InboundMessage, "channel" | "userKey">, turn: Turn, qa?: QaOutcome) => {
    if (turn.tickets?.length) deps.onTickets?.(turn.tickets);
    deps.logger.info(
      {
        channel: msg.channel,
        learner: learnerTag(msg.channel, msg.userKey),
        event: "handled",
        replies: turn.replies.length,
        events: turn.events.map((e) => e.type),
        ...(qa ? { qa: { action: qa.action, rule: qa.rule, source: qa.source } } : {}),
      },
      "message handled",
    );
  };

  /** A voice note's row keeps its reference in the text column (types.ts: inboxText): it has no text of its own. */
  const voiceOf = (text: string): Pick<InboundMessage, "text" | "voice"> => {
    const voice = voiceFromInbox(text);
    return voice ? { text: "", voice } : { text: "" };
  };

  const messageOf = (row: InboxRow): InboundMessage => ({
    channel: row.channel as Channel,
    userKey: row.userKey,
    chatId: row.chatId,
    messageKey: row.messageKey,
    text: row.text,
    ...(row.media ? { media: row.media as MediaKind } : {}),
    ...(row.media === "voice" ? voiceOf(row.text) : {}),
  });

  /** Applying an update queues its replies — the same for every channel: the channel's adapter renders them when it sends. */
  function queueReplies(store: LearnerStore, row: InboxRow, t: Turn, at: Date): void {
    if (t.learnerId !== null) store.clearUnreachable(t.learnerId);
    const items: Queued[] = [
      ...(row.callbackId ? [{ method: "ack" as const, params: { id: row.callbackId } }] : []),
      ...(deps.shapeTurn?.(row.channel as Channel, t.replies) ?? t.replies).map((r) => ({ method: "reply" as const, params: plain(r) })),
    ];
    store.enqueue({ channel: row.channel, chatId: row.chatId, learnerId: t.learnerId, items, at });
  }

  /**
   * The queued channels (Telegram, Zalo) on the local store: the update was recorded in the inbox when the webhook
   * answered. Applying it removes it from the inbox, changes the state and queues the replies in the outbox — in one
   * transaction (the caller's, or its own after a model call), so a crash leaves either all or none of it.
   */
  function processInbox(row: InboxRow, onSlow?: () => void): void | Promise<void> {
    if (deps.store.kind !== "local") throw new Error("processInbox needs the local store");
    const local = deps.store.local;
    if (deps.handoff?.isStaff(row)) return applyStaff(local, row, deps.handoff);
    const msg = messageOf(row);
    const thought = think(local.learners, msg, onSlow);
    if (thought instanceof Promise) return thought.then((t) => apply(local, row, msg, t));
    apply(local, row, msg, thought);
  }

  function apply(local: LocalStore, row: InboxRow, msg: InboundMessage, thought: Thought): void {
    const at = now();
    const turn = local.transaction(() => {
      if (!local.deleteInbox(row.id)) return undefined; // already applied: nothing twice
      const t = commit(local.learners, msg, thought, at);
      queueReplies(local.learners, row, t, at);
      return t;
    });
    if (turn) logTurn(msg, turn, thought.qa);
  }

  /** A staff member's message from the desk's group: never shown to the tutor or a model, never logged as text. */
  function staffTurn(store: LearnerStore, row: InboxRow, handoff: Handoff, at: Date): Turn {
    const s = handoff.staffTurn(store, row.text, at);
    const turn: Turn = { learnerId: null, replies: s.replies, events: [], tickets: s.events };
    queueReplies(store, row, turn, at);
    return turn;
  }

  function applyStaff(local: LocalStore, row: InboxRow, handoff: Handoff): void {
    const at = now();
    const turn = local.transaction(() => (local.deleteInbox(row.id) ? staffTurn(local.learners, row, handoff, at) : undefined));
    if (turn) logStaff(row, turn);
  }

  const logStaff = (row: InboxRow, turn: Turn) => {
    deps.logger.info(
      { channel: row.channel, event: "staff", replies: turn.replies.length, tickets: turn.tickets },
      "staff message handled",
    );
    if (turn.tickets?.length) deps.onTickets?.(turn.tickets);
  };

  /**
   * The same on a shared store, by the instance holding the learner's lease: the writes are applied only if the
   * update is still unapplied and the lease still ours. False when it was not (another instance took over).
   */
  async function processShared(row: InboxRow, unit: SharedTurn, onSlow?: () => void): Promise<boolean> {
    const handoff = deps.handoff;
    if (handoff?.isStaff(row)) {
      await unit.reserve({ question: false, ...handoff.staffNeed(row.text) });
      const turn = staffTurn(unit.store, row, handoff, now());
      const applied = await unit.commit({ inboxId: row.id });
      if (applied) logStaff(row, turn);
      return applied;
    }
    const msg = messageOf(row);
    const thought = await think(unit.store, msg, onSlow);
    await unit.reserve({ question: thought.qa !== undefined, ticket: thought.out.events.some((e) => e.type === "handoff") });
    const at = now();
    const turn = commit(unit.store, msg, thought, at);
    queueReplies(unit.store, row, turn, at);
    const applied = await unit.commit({ inboxId: row.id });
    if (applied) logTurn(msg, turn, thought.qa);
    return applied;
  }

  /** What the learner was last shown (read-only: nothing is recorded). Empty for someone who has not written yet. */
  async function peek(channel: Channel, userKey: string): Promise<Reply[]> {
    const store = await readStore(channel, userKey);
    const learner = store.findLearner(channel, userKey);
    if (!learner) return [];
    return currentScreen(loadState(store, learner.id), contextFor(store, learner, channel));
  }

  /** The words a learner is likely to say now, for a recording transcribed outside the inbox (the web microphone). */
  async function listenWords(channel: Channel, userKey: string): Promise<string> {
    return promptFor(await readStore(channel, userKey), { channel, userKey });
  }

  /** Whether this channel has seen this learner before (a row exists). */
  async function known(channel: Channel, userKey: string): Promise<boolean> {
    return (await readStore(channel, userKey)).findLearner(channel, userKey) !== undefined;
  }

  async function readStore(channel: Channel, userKey: string): Promise<LearnerStore> {
    if (deps.store.kind === "local") return deps.store.local.learners;
    const { shared, owner } = deps.store;
    return (await shared.openTurn(owner, learnerKey(channel, userKey), channel, userKey)).store;
  }

  return { processInbox, processShared, peek, known, listenWords };
}

export type ConversationService = ReturnType<typeof createConversationService>;
