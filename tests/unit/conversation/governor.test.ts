import { describe, expect, it } from "vitest";
import { createGovernor } from "../../../src/conversation/governor.js";

describe("governor (acknowledgements first under a flood)", () => {
  it("is busy only while webhooks keep arriving", () => {
    let t = 1000;
    const g = createGovernor({ windowMs: 50, now: () => t, utilization: () => 1, sampleMs: 0 });
    expect(g.busy()).toBe(false);
    g.webhooks();
    t += 49;
    expect(g.busy()).toBe(true);
    t += 2;
    expect(g.busy()).toBe(false);
  });

  it("gives each kind of work its share of the time, a full slice at the start of a flood", () => {
    let t = 0;
    const g = createGovernor({ now: () => t, utilization: () => 1, sampleMs: 0 });
    const work = g.meter(0.25, 4);
    g.webhooks();
    expect(g.busy()).toBe(true);
    expect(work.allowance()).toBe(4);
    work.spend(4);
    expect(work.allowance()).toBe(0);
    expect(work.waitFor(1)).toBe(4); // 1 ms of work is earned in 4 ms at a quarter
    t += 8;
    expect(work.allowance()).toBe(2);
    t += 1000;
    expect(work.allowance()).toBe(4); // never more than one slice saved up
  });

  it("meters kinds separately: sends do not eat the tutor's share", () => {
    const t = 0;
    const g = createGovernor({ now: () => t, utilization: () => 1, sampleMs: 0 });
    const work = g.meter(0.25, 4);
    const sends = g.meter(0.1, 2);
    g.webhooks();
    sends.spend(2);
    expect(sends.allowance()).toBe(0);
    expect(work.allowance()).toBe(4);
  });

  it("under steady traffic (idle time left) work gets three times its flood share; a saturated loop is a flood until it eases", () => {
    let t = 0;
    let u = 0.5;
    const g = createGovernor({ now: () => t, utilization: () => u, sampleMs: 50 });
    const work = g.meter(0.2, 4);
    const tick = (ms: number) => {
      t += ms;
      g.webhooks(); // webhooks keep arriving throughout
    };
    const floodAfter = (ms: number) => {
      for (let i = 0; i < ms / 10; i++) tick(10);
      return g.saturated();
    };
    g.webhooks();
    expect(floodAfter(60)).toBe(false); // e.g. 300 updates/s with half the loop idle
    expect(g.busy()).toBe(true); // still metered: short slices between webhooks
    work.spend(4);
    tick(5);
    expect(work.allowance()).toBeCloseTo(3); // 5 ms at 0.6
    u = 0.97;
    expect(floodAfter(60)).toBe(true);
    work.spend(work.allowance());
    tick(5);
    expect(work.allowance()).toBeCloseTo(1); // 5 ms at 0.2
    u = 0.8; // metered work leaves some idle time: still a flood (no flapping)
    expect(floodAfter(60)).toBe(true);
    u = 0.5;
    expect(floodAfter(60)).toBe(false);
  });

  it("judges the loop by default with the event loop's own utilization", async () => {
    const g = createGovernor({ sampleMs: 20 });
    g.webhooks();
    const until = performance.now() + 40;
    while (performance.now() < until) g.webhooks(); // a saturated loop, webhooks throughout
    expect(g.saturated()).toBe(true);
    await new Promise((r) => setTimeout(r, 40)); // idle (and no webhooks): no flood
    expect(g.saturated()).toBe(false);
  });
});
