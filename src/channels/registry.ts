import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config.js";
import type { ChannelAdapter, ZaloOaStore } from "../conversation/ports.js";
import type { LearnerTag } from "../conversation/service.js";
import { createTelegramChannel } from "./telegram.js";
import { createZaloChannel } from "./zalo.js";
import { createZaloOaChannel } from "./zalo-oa/adapter.js";

// The one list of messaging channels: each is enabled by its own settings. Adding a channel is a folder that
// implements ChannelAdapter and one line here. (The web chat and the terminal take the same inbox; their requests
// collect their replies: conversation/direct.ts.)

export interface ChannelDeps {
  logger: Logger;
  /** Lesson pictures, uploaded by channels that cannot fetch them by address. */
  mediaDir: string;
  learnerTag: LearnerTag;
  /** What channels keep in the store (the Zalo OA's tokens and uploaded pictures). */
  zaloOaStore: ZaloOaStore;
  /** /metrics, for channels with figures of their own. */
  registry?: Registry;
  /** A reply's audio (read aloud) by its key, for channels that upload it. */
  audio?: (key: string) => Promise<Buffer | undefined>;
}

const staffIds = (ids: readonly string[] | undefined) => (ids ? { userIds: new Set(ids) } : {});

export function createChannels(config: Config, deps: ChannelDeps): ChannelAdapter[] {
  const { logger, mediaDir, learnerTag, zaloOaStore: store, registry, audio } = deps;
  return [
    ...(config.telegram
      ? [
          createTelegramChannel({
            config: config.telegram,
            logger,
            mediaDir,
            learnerTag,
            ...(audio ? { audio } : {}),
            ...(config.handoff ? { staff: { chatId: config.handoff.telegram.chatId, ...staffIds(config.handoff.telegram.userIds) } } : {}),
          }),
        ]
      : []),
    ...(config.zalo ? [createZaloChannel({ config: config.zalo, logger, publicBaseUrl: config.publicBaseUrl, learnerTag })] : []),
    ...(config.zaloOa
      ? [createZaloOaChannel({ config: config.zaloOa, logger, mediaDir, learnerTag, store, ...(registry ? { registry } : {}) })]
      : []),
  ];
}
