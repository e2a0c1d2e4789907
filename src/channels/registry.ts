import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { ChannelAdapter } from "../conversation/ports.js";
import type { LearnerTag } from "../conversation/service.js";
import { createTelegramChannel } from "./telegram.js";
import { createZaloChannel } from "./zalo.js";

// The one list of messaging channels: each is enabled by its own settings. Adding a channel is a folder that
// implements ChannelAdapter and one line here. (The web chat and the terminal talk to the conversation directly.)

export interface ChannelDeps {
  logger: Logger;
  /** Lesson pictures, uploaded by channels that cannot fetch them by address. */
  mediaDir: string;
  learnerTag: LearnerTag;
}

export function createChannels(config: Config, deps: ChannelDeps): ChannelAdapter[] {
  const { logger, mediaDir, learnerTag } = deps;
  return [
    ...(config.telegram ? [createTelegramChannel({ config: config.telegram, logger, mediaDir, learnerTag })] : []),
    ...(config.zalo ? [createZaloChannel({ config: config.zalo, logger, publicBaseUrl: config.publicBaseUrl, learnerTag })] : []),
  ];
}
