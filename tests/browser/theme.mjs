// Theme end to end in headless chromium: a page in light and dark mode on a desktop and a phone.
// Checks the colour scheme follows prefers-color-scheme, the toggle overrides it and persists across a
// reload, copy buttons appear, and a phone has no horizontal scrolling. Saves screenshots for review.
//
//   node tests/browser/theme.mjs SITE_DIR SCREENSHOT_DIR
import fs from "node:fs";
import path from "node:path";
import { serveDir, launch, check } from "./lib.mjs";

const [siteDir, shotDir] = process.argv.slice(2);
fs.mkdirSync(shotDir, { recursive: true });
const server = await serveDir(siteDir);
const browser = await launch();
const page_path = "/guide/intro/";
const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

try {
  const results = {};
  for (const [device, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      await page.goto(server.url + page_path, { waitUntil: "load" });
      results[`${device}-${scheme}`] = await background(page);
      await page.screenshot({ path: path.join(shotDir, `${device}-${scheme}.png`), fullPage: false });
      check(errors.length === 0, `no console errors on ${device}/${scheme}: ${errors.join("; ")}`);
      check(await page.locator("figure.code-block .copy-button").count() >= 1, "copy buttons are added");
      if (device === "phone") {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
        const sidebarRight = await page.evaluate(() => document.querySelector("#sidebar").getBoundingClientRect().right);
        check(sidebarRight <= 0, `the sidebar is a drawer off screen on a phone (right edge at ${sidebarRight}px)`);
        await page.click(".nav-toggle");
        await page.waitForTimeout(300);
        check(await page.locator("#sidebar a[aria-current=page]").isVisible(), "the drawer opens and shows the current page");
      } else {
        check(await page.locator("aside.toc a[href='#overview']").isVisible(), "the on-page TOC is visible on a desktop");
      }
      await context.close();
    }
  }
  check(results["desktop-light"] !== results["desktop-dark"], `dark mode changes the background (${results["desktop-light"]})`);
  check(results["desktop-light"] === "rgb(255, 255, 255)", `light background is white, got ${results["desktop-light"]}`);

  // The toggle overrides the system preference and the choice survives a reload.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await context.newPage();
  await page.goto(server.url + page_path);
  await page.click(".site-header [data-theme-choice=dark]");
  check(await page.evaluate(() => document.documentElement.dataset.theme) === "dark", "toggle switches to dark");
  check(await page.getAttribute(".site-header [data-theme-choice=dark]", "aria-pressed") === "true", "the Dark button is pressed");
  check(await page.getAttribute(".site-header [data-theme-choice=system]", "aria-pressed") === "false", "System is no longer pressed");
  await page.reload();
  check(await background(page) === results["desktop-dark"], "dark choice persists after reload");
  check(await page.getAttribute(".site-header [data-theme-choice=dark]", "aria-pressed") === "true", "the pressed button survives a reload");
  await page.screenshot({ path: path.join(shotDir, "desktop-toggled-dark.png") });
  await page.click(".site-header [data-theme-choice=system]");
  check(await page.evaluate(() => document.documentElement.dataset.theme) === undefined, "System follows the system preference again");
  check(await background(page) === results["desktop-light"], "System on a light system is light");
  await context.close();
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
  server.close();
}
