// Screenshots of the key pages of a built site, desktop and phone, light and dark, plus the phone drawer
// and the narrow-screen "On this page" menu open, for a reviewer to look at.
//
//   node tests/browser/screenshots.mjs SITE_DIR OUT_DIR [URL_PATH...]
//
// `tests/browser/screenshots.sh` builds the site and runs this into target/browser-screenshots/site/.
import fs from "node:fs";
import path from "node:path";
import { serveDir, launch } from "./lib.mjs";

const [siteDir, outDir, ...given] = process.argv.slice(2);
const paths = given.length ? given : ["/", "/tutorials/", "/tutorials/04-your-first-plugin/",
  "/guides/search/", "/reference/ax/find/", "/reference/", "/404.html"];
fs.mkdirSync(outDir, { recursive: true });
const server = await serveDir(path.resolve(siteDir));
const browser = await launch();
const name = (p) => (p.replace(/^\/|\/$/g, "").replace(/[^a-z0-9]+/gi, "-") || "home").replace(/-html$/, "");
let count = 0;
try {
  for (const [device, viewport] of [["desktop", { width: 1280, height: 860 }], ["phone", { width: 390, height: 844 }]]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, hasTouch: device === "phone" });
      const page = await context.newPage();
      for (const p of paths) {
        await page.goto(server.url + p, { waitUntil: "load" });
        await page.screenshot({ path: path.join(outDir, `${name(p)}-${device}-${scheme}.png`) });
        count++;
      }
      if (device === "phone") {
        await page.goto(server.url + paths[Math.min(2, paths.length - 1)], { waitUntil: "load" });
        await page.click(".nav-toggle");
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(outDir, `drawer-${device}-${scheme}.png`) });
        await page.keyboard.press("Escape");
        if (await page.locator(".toc-menu").count()) {
          await page.click(".toc-menu summary");
          await page.screenshot({ path: path.join(outDir, `toc-menu-${device}-${scheme}.png`) });
        }
        count += 2;
      }
      await context.close();
    }
  }
  console.log(`${count} screenshots in ${outDir}`);
} finally {
  await browser.close();
  server.close();
}
