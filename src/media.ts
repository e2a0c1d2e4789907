import { realpathSync } from "node:fs";
import { lstat, realpath } from "node:fs/promises";
import { resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

// GET /media/<file>: lesson pictures, read-only (also the public addresses Zalo fetches pictures from). Regular
// files inside the media folder only: a symbolic link, or a folder reached through one, could publish any file of
// the server (its .env, the database), and a dotfile is nobody's business. All of those are a plain 404.

const notFound = { error: "not_found", message: "Không tìm thấy trang này." };

export function registerMedia(app: FastifyInstance, mediaDir: string): void {
  const root = (() => {
    try {
      return realpathSync(mediaDir);
    } catch {
      return resolve(mediaDir);
    }
  })();
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/media/")) return;
    let rel: string;
    try {
      rel = decodeURIComponent(req.url.slice("/media/".length).split("?")[0] ?? "");
    } catch {
      return reply.code(404).send(notFound);
    }
    const path = resolve(root, rel);
    const real = await realpath(path).catch(() => undefined);
    const info = real === path ? await lstat(path).catch(() => undefined) : undefined;
    const hidden = rel.split(/[\\/]/).some((part) => part.startsWith("."));
    if (hidden || !path.startsWith(root + sep) || !info?.isFile()) return reply.code(404).send(notFound);
  });
  app.register(fastifyStatic, { root, prefix: "/media/", index: false, list: false, dotfiles: "deny" });
}
