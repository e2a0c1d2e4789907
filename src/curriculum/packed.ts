// Lesson bodies kept packed while no learner reads them. A national curriculum's text (steps, example questions,
// sources) is most of the server's memory — JavaScript keeps Vietnamese at two bytes a character, with an object per
// step and option — while a learner reads one lesson at a time. A packed lesson keeps its id, title, track and the
// other fields menus and checks read; its body is JSON, deflated, unpacked when read and kept for the lessons read last.

import { deflateRawSync, inflateRawSync } from "node:zlib";
import { recentlyUsed } from "../recent.js";
import type { Lesson } from "./types.js";

/** The fields of a lesson that are packed. */
const BODY_KEYS = ["sources", "unverified", "real", "questions", "intro", "steps", "summary"] as const;
type Body = Pick<Lesson, (typeof BODY_KEYS)[number]>;
type Head = Omit<Lesson, (typeof BODY_KEYS)[number]>;

/** Lessons kept unpacked: those learners are in now, and the last few answers came from. */
const RECENT = 128;

/** A lesson's body as deflated JSON (in a parse thread or here). */
export function packBody(lesson: Lesson): Uint8Array {
  const body: Partial<Body> = {};
  for (const k of BODY_KEYS) (body as Record<string, unknown>)[k] = lesson[k];
  // Level 3: half the time of the default for 5 % more bytes, unpacked as fast. Copied out: zlib's result may be a
  // view of a larger buffer, which it would keep alive.
  return new Uint8Array(deflateRawSync(Buffer.from(JSON.stringify(body)), { level: 3 }));
}

/** The lesson without its body, as a parse thread hands it over (the body goes apart, as bytes). */
export function withoutBody(lesson: Lesson): Head {
  const head: Record<string, unknown> = { ...lesson };
  for (const k of BODY_KEYS) delete head[k];
  return head as Head;
}

export interface BodyShelf {
  /** `head` with its body read from `bytes` (packBody's), unpacked on demand. */
  attach(head: Head, bytes: Uint8Array): Lesson;
}

/**
 * A lesson whose body is read through its class's getters: one set for all lessons, not one per lesson (closures
 * on thousands of objects cost megabytes of their own).
 */
class PackedLesson {
  readonly #bytes: Uint8Array;
  readonly #unpack: (lesson: PackedLesson, bytes: Uint8Array) => Body;
  constructor(head: Head, bytes: Uint8Array, unpack: (lesson: PackedLesson, bytes: Uint8Array) => Body) {
    Object.assign(this, head);
    this.#bytes = bytes;
    this.#unpack = unpack;
  }
  get #body(): Body {
    return this.#unpack(this, this.#bytes);
  }
  // A getter on the class for each field of the body (sources, steps…), read from the body unpacked.
  static {
    for (const key of BODY_KEYS)
      Object.defineProperty(PackedLesson.prototype, key, {
        get(this: PackedLesson) {
          return this.#body[key];
        },
      });
  }
  /** Written out whole, as a plain lesson is. */
  toJSON(): Lesson {
    return { ...(this as unknown as Head), ...this.#body };
  }
  /** The whole lesson as a plain value, unpacked for this one use and not kept among the recent ones. */
  static once(lesson: PackedLesson): Lesson {
    return { ...(lesson as unknown as Head), ...unpackBody(lesson.#bytes) };
  }
}

const unpackBody = (bytes: Uint8Array): Body => JSON.parse(inflateRawSync(bytes).toString("utf8")) as Body;

/**
 * The lesson, its body unpacked for one use and not kept: for a pass over every lesson (the search index). Kept, the
 * bodies would push the lessons learners are in out of the recent ones, and live long enough to fill the old
 * generation of the heap with thousands of them.
 */
export const readOnce = (lesson: Lesson): Lesson => (lesson instanceof PackedLesson ? PackedLesson.once(lesson) : lesson);

/** Packed bodies, with the `capacity` lessons read last kept unpacked. */
export function bodyShelf(capacity = RECENT): BodyShelf {
  const unpacked = recentlyUsed<PackedLesson, Body>(capacity);
  const unpack = (lesson: PackedLesson, bytes: Uint8Array) => unpacked(lesson, () => unpackBody(bytes));
  return { attach: (head, bytes) => new PackedLesson(head, bytes, unpack) as unknown as Lesson };
}
