import OpenAI from "openai";
import type { Logger } from "pino";
import { z } from "zod";

// The port in front of any OpenAI-compatible endpoint. The model is optional and untrusted:
// bounded time, at most one retry, a circuit breaker, and its output is checked by the caller.

export interface LlmRequest {
  system: string;
  user: string;
  signal?: AbortSignal;
}

export interface LlmClient {
  complete(req: LlmRequest): Promise<string>;
}

export class LlmUnavailable extends Error {
  override name = "LlmUnavailable";
}

export interface OpenAiLlmOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  logger: Logger;
  timeoutMs?: number;
  maxTokens?: number;
  /** Consecutive failures that open the circuit, and for how long it stays open. */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  /** Model calls in flight at once; more wait their turn (until their deadline). */
  maxConcurrent?: number;
  now?: () => number;
}

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

export function createOpenAiLlm(o: OpenAiLlmOptions): LlmClient {
  const now = o.now ?? Date.now;
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseUrl, timeout: o.timeoutMs ?? 15_000, maxRetries: 1 });
  const threshold = o.breakerThreshold ?? 3;
  const cooldown = o.breakerCooldownMs ?? 60_000;
  let failures = 0;
  let openUntil = 0;
  const log = o.logger.child({ module: "llm" });
  // A bounded number of calls in flight: endpoints rate-limit, and hundreds of open calls cost
  // this process CPU it needs for webhooks. Waiting questions keep their deadline: a question
  // still waiting when it passes gets the lessons-only answer.
  const maxConcurrent = o.maxConcurrent ?? 8;
  let inFlight = 0;
  const waiters: Array<() => void> = [];

  function acquire(signal?: AbortSignal): Promise<void> {
    if (inFlight < maxConcurrent) {
      inFlight++;
      return Promise.resolve();
    }
    // A long line means the model cannot keep up: answer from the lessons now rather than later.
    if (waiters.length >= maxConcurrent * 4) return Promise.reject(new LlmUnavailable("busy"));
    return new Promise((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", give);
        inFlight++;
        resolve();
      };
      const give = () => {
        const i = waiters.indexOf(go);
        if (i >= 0) waiters.splice(i, 1);
        reject(new LlmUnavailable("busy"));
      };
      if (signal?.aborted) return give();
      signal?.addEventListener("abort", give, { once: true });
      waiters.push(go);
    });
  }

  function release(): void {
    inFlight--;
    waiters.shift()?.();
  }

  return {
    async complete(req) {
      if (now() < openUntil) throw new LlmUnavailable("circuit open");
      await acquire(req.signal);
      try {
        const res = await client.chat.completions.create(
          {
            model: o.model,
            temperature: 0.2,
            max_tokens: o.maxTokens ?? 400,
            messages: [
              { role: "system", content: req.system },
              { role: "user", content: req.user },
            ],
          },
          { signal: req.signal },
        );
        const parsed = completionSchema.safeParse(res);
        const content = parsed.success ? parsed.data.choices[0]?.message.content : undefined;
        if (!content) throw new LlmUnavailable("empty or malformed completion");
        failures = 0;
        return content;
      } catch (err) {
        failures++;
        if (failures >= threshold) {
          openUntil = now() + cooldown;
          log.warn({ failures, cooldownMs: cooldown }, "LLM circuit opened");
        }
        const status = (err as { status?: number }).status;
        log.warn({ err: { type: (err as Error).name, status } }, "LLM call failed");
        throw err instanceof LlmUnavailable ? err : new LlmUnavailable((err as Error).name);
      } finally {
        release();
      }
    },
  };
}
