import { Agent, request } from "node:http";

// The load generator (its own process, pinned to its own core where possible). Sends realistic
// Telegram updates for many chats with unique update_ids; reports acknowledgement latencies.

export interface LoadSpec {
  url: string;
  secret: string;
  mode: "closed" | "open";
  connections: number;
  /** Updates per second (open mode). */
  rate?: number;
  durationMs: number;
  chats: number;
  firstUpdateId: number;
  script: string[];
}

export interface LoadResult {
  sent: number;
  acked: number;
  failed: number;
  durationMs: number;
  latenciesMs: number[];
  ackedIds: number[];
}

const CHAT_BASE = 500_000;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.mode === "closed" ? spec.connections : Math.max(spec.connections, 256) });
  const target = new URL(spec.url);
  let next = 0;
  const perChat = new Array<number>(spec.chats).fill(0);
  const latencies: number[] = [];
  const ackedIds: number[] = [];
  let failed = 0;
  let sent = 0;

  const makeUpdate = () => {
    const n = next++;
    const chat = n % spec.chats;
    const k = perChat[chat] ?? 0;
    perChat[chat] = k + 1;
    const text = spec.script[k % spec.script.length] ?? "tiếp";
    const id = spec.firstUpdateId + n;
    const userId = CHAT_BASE + chat;
    return {
      id,
      body: JSON.stringify({
        update_id: id,
        message: {
          message_id: id,
          date: 1_750_000_000,
          chat: { id: userId, type: "private", first_name: "B" },
          from: { id: userId, is_bot: false, first_name: "B" },
          text,
        },
      }),
    };
  };

  const send = (startedAt: number) =>
    new Promise<void>((resolve) => {
      const u = makeUpdate();
      sent++;
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(u.body),
            "x-telegram-bot-api-secret-token": spec.secret,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) {
              latencies.push(performance.now() - startedAt);
              ackedIds.push(u.id);
            } else failed++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        failed++;
        resolve();
      });
      req.end(u.body);
    });

  const t0 = performance.now();
  const until = t0 + spec.durationMs;
  if (spec.mode === "closed") {
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (performance.now() < until) await send(performance.now());
      }),
    );
  } else {
    // Open loop: sends on schedule whatever the answers; latency counts from the scheduled time.
    const interval = 1000 / (spec.rate ?? 100);
    const inflight: Promise<void>[] = [];
    let k = 0;
    while (performance.now() < until) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      // Sent up to 1 ms early (a shorter wait is not worth a timer): then from when it was sent.
      inflight.push(send(Math.min(due, performance.now())));
      k++;
    }
    await Promise.all(inflight);
  }
  agent.destroy();
  return { sent, acked: latencies.length, failed, durationMs: performance.now() - t0, latenciesMs: latencies, ackedIds };
}

// As a child process: run each spec it is sent, send each result back; end when the runner
// disconnects. One process serves a server's warm-up and measured run, so the generator is warm
// too (a cold generator's own late timers would count as the server's latency in open loop).
if (process.send) {
  process.on("message", async (spec: LoadSpec) => {
    const result = await runLoad(spec);
    process.send?.(result);
  });
  process.on("disconnect", () => process.exit(0));
}
