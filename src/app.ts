import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createConversationService } from "./conversation/service.js";
import { createCurriculumStore } from "./curriculum/store.js";
import { buildServer } from "./server.js";
import { type Db, openDatabase } from "./store/db.js";

export interface App {
  server: FastifyInstance;
  db: Db;
  curriculum: ReturnType<typeof createCurriculumStore>;
  close(): Promise<void>;
}

/** Wires config → db → curriculum → services → server. Used by main.ts and by the integration tests. */
export async function createApp(config: Config, logger: Logger, opts: { watch?: boolean } = {}): Promise<App> {
  const db = openDatabase(config.databasePath);
  const curriculum = createCurriculumStore({ dir: config.curriculumDir, logger });
  try {
    await curriculum.start();
  } catch (err) {
    db.$client.close();
    throw err;
  }
  if (opts.watch ?? true) curriculum.watch();
  const conversation = createConversationService({ db, curriculum: () => curriculum.current(), logger });
  const server = buildServer({
    logger,
    db,
    conversation,
    curriculum: () => curriculum.current(),
    mediaDir: resolve(config.curriculumDir, "media"),
  });
  return {
    server,
    db,
    curriculum,
    async close() {
      await server.close();
      curriculum.close();
      if (db.$client.open) db.$client.close();
    },
  };
}
