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
    destination ?? bufferedStdout(),
  );
}

/**
 * Buffered, asynchronous writes (a synchronous write per line costs the event loop under load), flushed every
 * second so an operator tailing a quiet server sees each line at once, not when 4 KB have gathered.
 */
function bufferedStdout(): pino.DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      dest.flush();
    } catch {
      // not ready yet, or closing
    }
  }, 1000).unref();
  return dest;
}
