import pino, { type Logger } from "pino";

// Structured logs that never carry message text, names, tokens or secrets.
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          'req.headers["x-telegram-bot-api-secret-token"]',
          'req.headers["x-bot-api-secret-token"]',
          "text",
          "token",
        ],
        censor: "[redacted]",
      },
      serializers: {
        // Only method and path: no query strings, no client address.
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url?.split("?")[0] }),
      },
    },
    // Buffered, asynchronous writes: a synchronous write per line costs the event loop under load.
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}
