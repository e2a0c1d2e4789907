import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { loadConfigFromProcess } from "../config.js";
import { LIGHT_IMAGE_BYTES } from "../curriculum/load.js";
import { cliArgs } from "./args.js";

// npm run media:build            draws every curriculum/media/src/<name>.svg as curriculum/media/<name>.png
// npm run media:build -- <name>  only the drawings whose name contains <name>
//
// The SVG files are the pictures' sources: admins change a word there and run this command.
// The PNGs are what the channels send; they are committed so the server needs no renderer.

/** Drawn 720 px wide: sharp on a 360-px phone screen at twice its density. */
const WIDTH = 720;
/** DejaVu Sans has every Vietnamese letter; the drawings name it, so text looks the same on every machine that has it. */
const FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];

function main(): number {
  const mediaDir = join(loadConfigFromProcess().curriculumDir, "media");
  const srcDir = join(mediaDir, "src");
  const only = cliArgs(
    `npm run media:build [-- TÊN]

  Vẽ lại hình minh hoạ: mỗi curriculum/media/src/<tên>.svg thành curriculum/media/<tên>.png, rộng 720 điểm ảnh.
  TÊN: chỉ vẽ các hình có tên chứa TÊN. Báo lỗi hình nặng quá 300 KB.`,
    {},
    true,
  ).positionals[0];
  if (!existsSync(srcDir)) {
    console.error(`${srcDir}: chưa có thư mục bản vẽ (.svg).`);
    return 1;
  }
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  if (fontFiles.length === 0) console.warn("Không thấy phông DejaVu Sans; chữ sẽ dùng phông sẵn có trên máy, có thể thiếu dấu.");
  const drawings = readdirSync(srcDir)
    .filter((f) => f.endsWith(".svg") && (!only || f.includes(only)))
    .sort();
  let failed = 0;
  for (const file of drawings) {
    const name = basename(file, ".svg");
    const target = join(mediaDir, `${name}.png`);
    try {
      const svg = readFileSync(join(srcDir, file), "utf8");
      const png = new Resvg(svg, {
        fitTo: { mode: "width", value: WIDTH },
        background: "white",
        font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: "DejaVu Sans" },
      })
        .render()
        .asPng();
      writeFileSync(target, png);
      const kb = Math.round(statSync(target).size / 1024);
      const heavy = png.length > LIGHT_IMAGE_BYTES;
      if (heavy) failed++;
      console.log(`${heavy ? "✗" : "✓"} media/${name}.png  ${kb} KB${heavy ? "  (quá 300 KB: bớt chi tiết hoặc thu nhỏ bản vẽ)" : ""}`);
    } catch (e) {
      failed++;
      console.error(`✗ media/src/${file}: không vẽ được (${(e as Error).message}).`);
    }
  }
  console.log(`${drawings.length} bản vẽ, ${failed} lỗi.`);
  return failed > 0 ? 1 : 0;
}

process.exit(main());
