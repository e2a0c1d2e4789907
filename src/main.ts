import { resolve } from "node:path";
import { createApp } from "./app.js";
import { ConfigError, loadConfigFromProcess } from "./config.js";
import { createLogger } from "./logger.js";
import { keepHelperThreadsLow } from "./priority.js";

// Composition root: read config, build the app, listen, and close cleanly on SIGTERM/SIGINT.

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfigFromProcess>;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp(config, logger);
  } catch (err) {
    logger.fatal({ dir: resolve(config.curriculumDir) }, "cannot start: the curriculum could not be loaded");
    console.error((err as Error).message);
    process.exit(1);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    logger.flush(() => process.exit(0));
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  try {
    await app.server.listen({ port: config.port, host: config.host });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === "EADDRINUSE"
        ? `Cổng ${config.port} đang được một chương trình khác dùng. Hãy tắt chương trình đó, hoặc chạy với PORT=3001 (một cổng khác).`
        : code === "EACCES"
          ? `Không được phép mở cổng ${config.port}. Hãy dùng cổng từ 1024 trở lên, ví dụ PORT=3000.`
          : `Không mở được cổng ${config.port}: ${(err as Error).message}`;
    logger.fatal({ port: config.port, code }, "cannot listen");
    console.error(why);
    await app.close();
    logger.flush(() => process.exit(1));
    return;
  }
  await app.start();
  // Acknowledgements first: the process's helper threads yield the core to the main thread.
  keepHelperThreadsLow();
  const channels = [...(config.webChat.enabled ? ["web"] : []), ...[...app.channels.values()].map((c) => `${c.channel} (${c.mode})`)];
  logger.info({ channels }, "channels enabled");
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  if (config.webChat.enabled) logger.info({ url: `http://${host}:${config.port}/` }, "Bình dân học AI is ready: open the web chat");
  else logger.info({ port: config.port }, "Bình dân học AI is ready (web chat off)");
}

void main();
