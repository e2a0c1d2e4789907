import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLlm, LlmUnavailable } from "../../../src/qa/llm.js";
import { eventually } from "../../helpers/app.js";
import { startFakeLlm } from "../../helpers/fake-llm.js";

let fake: Awaited<ReturnType<typeof startFakeLlm>>;
beforeEach(async () => {
  fake = await startFakeLlm("Câu trả lời.");
});
afterEach(async () => {
  await fake.close();
});

describe("model client", () => {
  it("keeps at most OPENAI_MAX_CONCURRENT calls in flight; the others wait, and give up at their deadline", async () => {
    const llm = createOpenAiLlm({ apiKey: "k", baseUrl: fake.url, model: "m", logger: pino({ level: "silent" }), maxConcurrent: 2 });
    fake.script("hang", "hang");
    const first = llm.complete({ system: "s", user: "1" });
    const second = llm.complete({ system: "s", user: "2" });
    const deadline = new AbortController();
    const third = llm.complete({ system: "s", user: "3", signal: deadline.signal });
    const fourth = llm.complete({ system: "s", user: "4" });
    await eventually(() => expect(fake.requests).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests).toHaveLength(2); // the third and fourth wait their turn
    deadline.abort();
    await expect(third).rejects.toBeInstanceOf(LlmUnavailable);
    fake.release();
    await expect(first).resolves.toBe("Câu trả lời.");
    await expect(second).resolves.toBe("Câu trả lời.");
    await expect(fourth).resolves.toBe("Câu trả lời.");
    // The third never reached the endpoint.
    expect(fake.requests.map((r) => r.body.messages[1]?.content)).toEqual(["1", "2", "4"]);
  });

  it("when the line is long (four times the calls in flight), answers 'busy' at once", async () => {
    const llm = createOpenAiLlm({ apiKey: "k", baseUrl: fake.url, model: "m", logger: pino({ level: "silent" }), maxConcurrent: 1 });
    fake.script("hang");
    const calls = Array.from({ length: 5 }, (_, i) => llm.complete({ system: "s", user: String(i) }));
    const extra = llm.complete({ system: "s", user: "extra" });
    await expect(extra).rejects.toBeInstanceOf(LlmUnavailable);
    await eventually(() => expect(fake.requests).toHaveLength(1));
    fake.release();
    for (const c of calls) await expect(c).resolves.toBe("Câu trả lời.");
  });
});
