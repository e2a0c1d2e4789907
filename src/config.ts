import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { parseDays, parseHours, type StaffHours } from "./handoff/hours.js";

// The one place that reads the environment (design.md: "nothing else reads process.env").

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const url = (name: string) =>
  z
    .string()
    .trim()
    .url(`${name} phải là một địa chỉ URL đầy đủ, ví dụ https://example.org`)
    .transform((v) => v.replace(/\/+$/, ""));

const optionalUrl = (name: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(url(name).optional())
    .optional();

const telegramSecret = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "chỉ gồm A-Z a-z 0-9 _ -, dài 1 đến 256 ký tự (quy định của Telegram)");

const zaloSecret = z.string().min(8, "dài ít nhất 8 ký tự").max(256, "dài tối đa 256 ký tự");

/**
 * How background work shares the event loop while webhooks flood in (see conversation/governor.ts): the tutor's
 * turns get `tutorShare` of the time (six times it under steady traffic), the sends `sendShare` (six times), and a
 * send is charged `sendCostMs` of it. Measured by `npm run bench` on its 2-core machine (docs/benchmarks.md): there
 * 0.1 of the time is ~200 turns a second, and a send under a flood cost 0.8 ms. Another machine may set its own.
 */
export const DEFAULT_BACKGROUND = { tutorShare: 0.1, sendShare: 0.05, sendCostMs: 0.8 } as const;
export type BackgroundBudget = { tutorShare: number; sendShare: number; sendCostMs: number };

export const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).default("0.0.0.0"),
    DATABASE_PATH: z.string().trim().min(1).default("./data/tutor.db"),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "phải là địa chỉ PostgreSQL, bắt đầu bằng postgres:// (ví dụ postgres://bdhai@127.0.0.1:5432/bdhai)")
        .optional(),
    ),
    CURRICULUM_DIR: z.string().trim().min(1).default("./curriculum"),
    PROMPTS_DIR: z.string().trim().min(1).default("./prompts"),
    PUBLIC_BASE_URL: optionalUrl("PUBLIC_BASE_URL"),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(telegramSecret.optional()),
    TELEGRAM_API_ROOT: url("TELEGRAM_API_ROOT").default("https://api.telegram.org"),
    TELEGRAM_MODE: z.enum(["webhook", "polling"], "phải là webhook hoặc polling").default("webhook"),
    ZALO_BOT_TOKEN: optionalString,
    ZALO_WEBHOOK_SECRET: optionalString.pipe(zaloSecret.optional()),
    ZALO_API_ROOT: url("ZALO_API_ROOT").default("https://bot-api.zaloplatforms.com"),
    ZALO_MODE: z.enum(["webhook", "polling"], "phải là webhook hoặc polling").default("webhook"),
    ZALO_OA_APP_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, "là mã ứng dụng (App ID) trong trang Zalo for Developers")
        .optional(),
    ),
    ZALO_OA_SECRET_KEY: optionalString,
    ZALO_OA_APP_SECRET: optionalString,
    ZALO_OA_ACCESS_TOKEN: optionalString,
    ZALO_OA_REFRESH_TOKEN: optionalString,
    ZALO_OA_API_ROOT: url("ZALO_OA_API_ROOT").default("https://openapi.zalo.me"),
    ZALO_OA_OAUTH_ROOT: url("ZALO_OA_OAUTH_ROOT").default("https://oauth.zaloapp.com"),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl("OPENAI_BASE_URL"),
    OPENAI_MODEL: optionalString,
    OPENAI_MAX_CONCURRENT: z.coerce.number().int().min(1).max(256).default(8),
    OPENAI_DAILY_CALLS: z.coerce.number().int().min(1, "ít nhất 1").max(10_000_000).default(2000),
    STT_BASE_URL: optionalUrl("STT_BASE_URL"),
    STT_API_KEY: optionalString,
    STT_MODEL: optionalString,
    STT_TIMEOUT_SECONDS: z.coerce.number().int().min(1, "ít nhất 1 giây").max(120, "nhiều nhất 120 giây").default(20),
    TTS_BASE_URL: optionalUrl("TTS_BASE_URL"),
    TTS_API_KEY: optionalString,
    TTS_MODEL: optionalString,
    TTS_VOICE: optionalString,
    TTS_TIMEOUT_SECONDS: z.coerce.number().int().min(1, "ít nhất 1 giây").max(120, "nhiều nhất 120 giây").default(15),
    TTS_CACHE_DIR: optionalString,
    ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "dài ít nhất 16 ký tự").optional()),
    TARGETS_FILE: z.string().trim().min(1).default("./targets.yaml"),
    REMINDER_DAYS: z.coerce.number().int().min(1, "ít nhất 1 ngày").max(60, "nhiều nhất 60 ngày").default(3),
    INSTANCE_LEASE_SECONDS: z.coerce.number().int().min(2).max(300).default(15),
    WORK_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(16),
    OUTBOX_GLOBAL_PER_SECOND: z.coerce.number().positive().max(1000).default(25),
    OUTBOX_PER_CHAT_PER_SECOND: z.coerce.number().positive().max(1000).default(1),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TRUST_PROXY: z
      .string()
      .trim()
      .regex(
        /^(|true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/,
        "là true, số tầng proxy (ví dụ 1), hoặc danh sách địa chỉ IP/CIDR cách nhau bằng dấu phẩy",
      )
      .default(""),
    WEB_CHAT: z.enum(["on", "off"], "phải là on hoặc off").default("on"),
    BACKGROUND_TUTOR_SHARE: z.coerce.number().gt(0).max(1).default(DEFAULT_BACKGROUND.tutorShare),
    BACKGROUND_SEND_SHARE: z.coerce.number().gt(0).max(1).default(DEFAULT_BACKGROUND.sendShare),
    OUTBOX_SEND_COST_MS: z.coerce.number().gt(0).max(1000).default(DEFAULT_BACKGROUND.sendCostMs),
    LOG_PSEUDONYM_KEY: optionalString.pipe(z.string().min(32, "dài ít nhất 32 ký tự").optional()),
    WEB_CHAT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    WEB_CHAT_NEW_LEARNERS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
    STAFF_TELEGRAM_CHAT_ID: optionalString.pipe(
      z
        .string()
        .regex(/^-\d{1,20}$/, "là mã số của nhóm Telegram, bắt đầu bằng dấu trừ (ví dụ -1001234567890); xem README, mục Gặp cán bộ")
        .optional(),
    ),
    STAFF_TELEGRAM_USER_IDS: optionalString.pipe(
      z
        .string()
        .regex(/^\d{1,20}(\s*,\s*\d{1,20})*$/, "là danh sách mã số người dùng Telegram, cách nhau bằng dấu phẩy")
        .optional(),
    ),
    STAFF_HOURS: z
      .string()
      .trim()
      .default("07:30-17:00")
      .refine((v) => parseHours(v) !== undefined, "là giờ làm việc dạng HH:MM-HH:MM, ví dụ 07:30-17:00"),
    STAFF_DAYS: z
      .string()
      .trim()
      .default("1-5")
      .refine((v) => parseDays(v) !== undefined, "là các ngày làm việc, 1 = thứ Hai … 7 = Chủ nhật, ví dụ 1-5 hoặc 1-5,7"),
    STAFF_REMIND_MINUTES: z.coerce.number().int().min(1, "ít nhất 1 phút").max(1440, "nhiều nhất 1440 phút").default(30),
    STAFF_TICKETS_PER_DAY: z.coerce.number().int().min(1, "ít nhất 1").max(10, "nhiều nhất 10").default(3),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "bắt buộc khi đã đặt TELEGRAM_BOT_TOKEN (để chặn yêu cầu giả mạo tới webhook)",
      });
    }
    if (env.STAFF_TELEGRAM_CHAT_ID && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_BOT_TOKEN"],
        message: "bắt buộc khi đã đặt STAFF_TELEGRAM_CHAT_ID (bot gửi phiếu tới nhóm cán bộ trên Telegram)",
      });
    }
    if (env.STAFF_TELEGRAM_USER_IDS && !env.STAFF_TELEGRAM_CHAT_ID) {
      ctx.addIssue({ code: "custom", path: ["STAFF_TELEGRAM_CHAT_ID"], message: "bắt buộc khi đã đặt STAFF_TELEGRAM_USER_IDS" });
    }
    if (env.ZALO_BOT_TOKEN && !env.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_WEBHOOK_SECRET"],
        message: "bắt buộc khi đã đặt ZALO_BOT_TOKEN (để chặn yêu cầu giả mạo tới webhook)",
      });
    }
    // Zalo Official Account: ZALO_OA_APP_ID turns it on; then the rest is needed.
    const oaNeeds = {
      ZALO_OA_SECRET_KEY: "khóa bí mật của OA (OA Secret Key), để kiểm tra chữ ký X-ZEvent-Signature của webhook",
      ZALO_OA_APP_SECRET: "khóa bí mật của ứng dụng (App Secret Key), để làm mới mã truy cập",
      ZALO_OA_REFRESH_TOKEN: "mã làm mới (refresh token) lấy khi cấp quyền cho ứng dụng; xem README, mục Zalo Official Account",
    } as const;
    if (env.ZALO_OA_APP_ID) {
      for (const [name, what] of Object.entries(oaNeeds)) {
        if (!env[name as keyof typeof oaNeeds])
          ctx.addIssue({ code: "custom", path: [name], message: `bắt buộc khi đã đặt ZALO_OA_APP_ID: ${what}` });
      }
    } else if (Object.keys(oaNeeds).some((name) => env[name as keyof typeof oaNeeds]) || env.ZALO_OA_ACCESS_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_OA_APP_ID"],
        message: "bắt buộc khi đặt các biến ZALO_OA_… khác (mã ứng dụng trong trang Zalo for Developers)",
      });
    }
  });

export interface ChannelConfig {
  token: string;
  webhookSecret: string;
  apiRoot: string;
  /** webhook (production) or polling (development; no public URL needed). */
  mode: "webhook" | "polling";
}

/** A Zalo Official Account (see ../shared/reference/zalo-oa-api.md): webhook only, OAuth tokens that expire. */
export interface ZaloOaConfig {
  appId: string;
  /** The OA secret key: signs the webhook's events (X-ZEvent-Signature). */
  secretKey: string;
  /** The app's secret: sent when refreshing the access token. */
  appSecret: string;
  /** Where the tokens start (and start again after an admin re-authorises); afterwards they are kept in the store. */
  accessToken?: string;
  refreshToken: string;
  apiRoot: string;
  oauthRoot: string;
}

export interface Config {
  port: number;
  host: string;
  /** SQLite: the file (also where keys and the last good curriculum are kept beside it). */
  databasePath: string;
  /** PostgreSQL instead of SQLite: any number of instances share it. */
  databaseUrl?: string;
  curriculumDir: string;
  promptsDir: string;
  publicBaseUrl?: string;
  telegram?: ChannelConfig;
  zalo?: ChannelConfig;
  zaloOa?: ZaloOaConfig;
  llm?: { apiKey: string; baseUrl?: string; model: string; maxConcurrent: number; dailyCalls: number };
  /**
   * Speech to text for voice notes (an OpenAI-compatible /audio/transcriptions): its own endpoint, or the OPENAI_*
   * one when only that is set. Absent: voice notes get a kind "please type" reply.
   */
  stt?: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number; dailyCalls: number };
  /**
   * Text to speech for "đọc to" (an OpenAI-compatible /audio/speech): set up only by TTS_MODEL or TTS_BASE_URL (no
   * vendor is assumed: OpenAI's speech models end on 2027-01-06). Absent: "đọc to" gets a kind "not here" reply.
   */
  tts?: { baseUrl: string; apiKey?: string; model: string; voice: string; timeoutMs: number; dailyCalls: number; cacheDir: string };
  adminToken?: string;
  targetsFile: string;
  reminderDays: number;
  /** PostgreSQL: how long an instance's hold on a learner (and on a reply it sends) lasts unless renewed, in ms. */
  instanceLeaseMs: number;
  /** PostgreSQL: learners one instance works at once (each turn holds a database connection while it runs). */
  workConcurrency: number;
  /** Send rates of the outbox (Telegram's working limits: about 30/s overall, 1/s per chat). */
  outbox: { globalPerSecond: number; perChatPerSecond: number };
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /**
   * Behind a reverse proxy: whose X-Forwarded-For/-Proto to believe (Fastify's trustProxy), so rate limits and the
   * admin login count the client's address and the admin cookie is Secure behind TLS. False: no proxy.
   */
  trustProxy: boolean | number | string;
  /** Key of the learner pseudonyms in the logs; unset = a file beside the database. */
  logPseudonymKey?: string;
  /** The event loop's shares for background work under a flood (see DEFAULT_BACKGROUND). */
  background: BackgroundBudget;
  /** The public web chat: off, or on with limits per client address. */
  webChat: { enabled: boolean; perMinute: number; newLearnersPerHour: number };
  /** The hand-off to a person (a staff group on Telegram); absent: learners who ask are pointed to people nearby. */
  handoff?: {
    telegram: { chatId: string; userIds?: string[] };
    hours: StaffHours;
    /** An unanswered ticket is reminded in the group once after this long in staff hours. */
    remindMs: number;
    perDay: number;
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Pure: validates an environment object and returns the typed config, or throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(môi trường)"}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (biến môi trường):\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const llmWanted = e.OPENAI_API_KEY || e.OPENAI_BASE_URL || e.OPENAI_MODEL;
  if (llmWanted && !e.OPENAI_MODEL) {
    throw new ConfigError(
      "Cấu hình không hợp lệ (biến môi trường):\n  - OPENAI_MODEL: cần đặt tên mô hình khi dùng OPENAI_API_KEY hoặc OPENAI_BASE_URL",
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    curriculumDir: e.CURRICULUM_DIR,
    promptsDir: e.PROMPTS_DIR,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    telegram:
      e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_SECRET
        ? { token: e.TELEGRAM_BOT_TOKEN, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, apiRoot: e.TELEGRAM_API_ROOT, mode: e.TELEGRAM_MODE }
        : undefined,
    zalo:
      e.ZALO_BOT_TOKEN && e.ZALO_WEBHOOK_SECRET
        ? { token: e.ZALO_BOT_TOKEN, webhookSecret: e.ZALO_WEBHOOK_SECRET, apiRoot: e.ZALO_API_ROOT, mode: e.ZALO_MODE }
        : undefined,
    zaloOa:
      e.ZALO_OA_APP_ID && e.ZALO_OA_SECRET_KEY && e.ZALO_OA_APP_SECRET && e.ZALO_OA_REFRESH_TOKEN
        ? {
            appId: e.ZALO_OA_APP_ID,
            secretKey: e.ZALO_OA_SECRET_KEY,
            appSecret: e.ZALO_OA_APP_SECRET,
            ...(e.ZALO_OA_ACCESS_TOKEN ? { accessToken: e.ZALO_OA_ACCESS_TOKEN } : {}),
            refreshToken: e.ZALO_OA_REFRESH_TOKEN,
            apiRoot: e.ZALO_OA_API_ROOT,
            oauthRoot: e.ZALO_OA_OAUTH_ROOT,
          }
        : undefined,
    llm: e.OPENAI_MODEL
      ? {
          apiKey: e.OPENAI_API_KEY ?? "not-needed",
          baseUrl: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          maxConcurrent: e.OPENAI_MAX_CONCURRENT,
          dailyCalls: e.OPENAI_DAILY_CALLS,
        }
      : undefined,
    stt: sttConfig(e),
    tts: ttsConfig(e),
    adminToken: e.ADMIN_TOKEN,
    targetsFile: e.TARGETS_FILE,
    reminderDays: e.REMINDER_DAYS,
    instanceLeaseMs: e.INSTANCE_LEASE_SECONDS * 1000,
    workConcurrency: e.WORK_CONCURRENCY,
    outbox: { globalPerSecond: e.OUTBOX_GLOBAL_PER_SECOND, perChatPerSecond: e.OUTBOX_PER_CHAT_PER_SECOND },
    logLevel: e.LOG_LEVEL,
    trustProxy:
      e.TRUST_PROXY === "" || e.TRUST_PROXY === "false"
        ? false
        : e.TRUST_PROXY === "true"
          ? true
          : /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY,
    logPseudonymKey: e.LOG_PSEUDONYM_KEY,
    background: { tutorShare: e.BACKGROUND_TUTOR_SHARE, sendShare: e.BACKGROUND_SEND_SHARE, sendCostMs: e.OUTBOX_SEND_COST_MS },
    webChat: {
      enabled: e.WEB_CHAT === "on",
      perMinute: e.WEB_CHAT_PER_MINUTE,
      newLearnersPerHour: e.WEB_CHAT_NEW_LEARNERS_PER_HOUR,
    },
    ...(e.STAFF_TELEGRAM_CHAT_ID
      ? {
          handoff: {
            telegram: {
              chatId: e.STAFF_TELEGRAM_CHAT_ID,
              ...(e.STAFF_TELEGRAM_USER_IDS ? { userIds: e.STAFF_TELEGRAM_USER_IDS.split(",").map((v) => v.trim()) } : {}),
            },
            hours: { ...(parseHours(e.STAFF_HOURS) as { open: number; close: number }), days: parseDays(e.STAFF_DAYS) as Set<number> },
            remindMs: e.STAFF_REMIND_MINUTES * 60_000,
            perDay: e.STAFF_TICKETS_PER_DAY,
          },
        }
      : {}),
  };
}

/** The default model when STT_MODEL is not set: OpenAI's (speaches and whisper.cpp's server take any name or their own). */
export const DEFAULT_STT_MODEL = "whisper-1";

/** Where speech goes when no endpoint of its own and no OPENAI_BASE_URL is set. */
const OPENAI_API_URL = "https://api.openai.com/v1";

/**
 * A speech endpoint's address and key: its own (`url`), else the OPENAI_* endpoint's, else OpenAI's. The OpenAI key
 * goes only to the OpenAI (or OPENAI_BASE_URL) endpoint, never to a speech server of its own.
 */
function speechEndpoint(e: z.infer<typeof envSchema>, url: string | undefined, key: string | undefined) {
  const apiKey = key ?? (url ? undefined : e.OPENAI_API_KEY);
  return { baseUrl: url ?? e.OPENAI_BASE_URL ?? OPENAI_API_URL, ...(apiKey ? { apiKey } : {}) };
}

function sttConfig(e: z.infer<typeof envSchema>): Config["stt"] {
  // Without settings of its own, voice notes go to the OPENAI_* endpoint when a model is set there.
  if (!(e.STT_BASE_URL || e.STT_API_KEY || e.STT_MODEL || e.OPENAI_MODEL)) return undefined;
  return {
    model: e.STT_MODEL ?? DEFAULT_STT_MODEL,
    timeoutMs: e.STT_TIMEOUT_SECONDS * 1000,
    dailyCalls: e.OPENAI_DAILY_CALLS,
    ...speechEndpoint(e, e.STT_BASE_URL, e.STT_API_KEY),
  };
}

/** The voice when TTS_VOICE is not set: OpenAI's default (a speaches Piper model has one voice, and ignores it). */
export const DEFAULT_TTS_VOICE = "alloy";

function ttsConfig(e: z.infer<typeof envSchema>): Config["tts"] {
  if (!e.TTS_MODEL && !e.TTS_BASE_URL) return undefined;
  if (!e.TTS_MODEL) {
    throw new ConfigError(
      "Cấu hình không hợp lệ (biến môi trường):\n  - TTS_MODEL: cần đặt tên mô hình đọc khi dùng TTS_BASE_URL (ví dụ một giọng Piper tiếng Việt)",
    );
  }
  return {
    model: e.TTS_MODEL,
    voice: e.TTS_VOICE ?? DEFAULT_TTS_VOICE,
    timeoutMs: e.TTS_TIMEOUT_SECONDS * 1000,
    dailyCalls: e.OPENAI_DAILY_CALLS,
    cacheDir: e.TTS_CACHE_DIR ?? join(dirname(resolve(e.DATABASE_PATH)), "tts-cache"),
    ...speechEndpoint(e, e.TTS_BASE_URL, e.TTS_API_KEY),
  };
}

/** Reads `.env` (if present) into process.env without overriding what is already set, then validates. */
export function loadConfigFromProcess(envFile = ".env"): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return loadConfig(process.env);
}
