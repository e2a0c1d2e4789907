import { describe, expect, it } from "vitest";
import { createGovernor } from "../../../src/conversation/governor.js";

describe("governor (acknowledgements first under a flood)", () => {
  it("is busy only while webhooks keep arriving", () => {
    let t = 1000;
    const g = createGovernor({ windowMs: 50, now: () => t });
    expect(g.busy()).toBe(false);
    g.webhooks();
    t += 49;
    expect(g.busy()).toBe(true);
    t += 2;
    expect(g.busy()).toBe(false);
  });

  it("gives each kind of work its share of the time, a full slice at the start of a flood", () => {
    let t = 0;
    const g = createGovernor({ now: () => t });
    const work = g.meter(0.25, 4);
    g.webhooks();
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
    const g = createGovernor({ now: () => t });
    const work = g.meter(0.25, 4);
    const sends = g.meter(0.1, 2);
    g.webhooks();
    sends.spend(2);
    expect(sends.allowance()).toBe(0);
    expect(work.allowance()).toBe(4);
  });
});
