// The default theme's behaviour in headless chromium on a built site: sidebar sections that expand and
// stay expanded across pages, the phone drawer (backdrop, Escape, focus trap and return, inert when
// closed), the narrow-screen "On this page" menu, scrollspy, copy buttons on touch screens, the search
// combobox's keyboard behaviour, and (with a second, `--relative-urls` build) browsing from file://.
//
//   node tests/browser/site_e2e.mjs SITE_DIR RELATIVE_SITE_DIR
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serveDir, launch, check } from "./lib.mjs";

const [siteDir, diskDir] = process.argv.slice(2);
const server = await serveDir(siteDir);
const browser = await launch();
const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const TUTORIAL = "/tutorials/04-your-first-plugin/";
const steps = [];
const step = (name) => steps.push(name);
const active = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el ? (el.id || el.getAttribute("href") || el.className || el.tagName) : "";
});
const inSidebar = (page) => page.evaluate(() => document.getElementById("sidebar").contains(document.activeElement));

try {
  // ---- sidebar: every section listed, the current one open, others expandable, state remembered ----
  {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    await page.goto(server.url + TUTORIAL);
    const top = await page.$$eval("#sidebar > .nav-list > li > a, #sidebar > .nav-list > li > .nav-row > a", (as) => as.map((a) => a.textContent));
    check(top.includes("Tutorials") && top.includes("Reference") && top.includes("Guides"), `all top-level sections listed: ${top}`);
    check(await page.isVisible(`#sidebar a[href="${TUTORIAL}"][aria-current=page]`), "current page marked and visible");
    const reference = page.locator("#sidebar button[aria-controls=nav-reference]");
    check(await reference.getAttribute("aria-expanded") === "false", "another section starts collapsed");
    check(!(await page.isVisible("#nav-reference")), "its pages are hidden");
    await reference.click();
    check(await reference.getAttribute("aria-expanded") === "true" && await page.isVisible("#nav-reference"), "expanding shows its pages");
    const tutorials = page.locator("#sidebar button[aria-controls=nav-tutorials]");
    await page.goto(server.url + "/guides/search/");
    check(await page.isVisible("#nav-reference"), "the expanded section stays expanded on the next page");
    check(await page.isVisible("#nav-guides"), "the current section is open");
    check(!(await page.isVisible("#nav-tutorials")), "the section left behind is closed again");
    await page.click("#sidebar button[aria-controls=nav-reference]");
    await page.goto(server.url + "/guides/serve/");
    check(!(await page.isVisible("#nav-reference")), "a collapsed section stays collapsed");
    const x = await page.$$eval("#sidebar > .nav-list > li", (lis) => lis.map((li) => Math.round(li.getBoundingClientRect().left)));
    check(new Set(x).size === 1, `top-level entries share one indentation: ${x}`);
    void tutorials;
    step("sidebar");

    // ---- scrollspy on a wide screen -------------------------------------------------------------------
    await page.goto(server.url + TUTORIAL);
    const ids = await page.$$eval("aside.toc a", (as) => as.map((a) => a.getAttribute("href")));
    check(ids.length >= 3, `the tutorial has a TOC: ${ids}`);
    const target = ids[2];
    await page.evaluate((id) => document.getElementById(id.slice(1)).scrollIntoView(), target);
    await page.waitForTimeout(200);
    const marked = await page.$$eval("aside.toc a.active", (as) => as.map((a) => a.getAttribute("href")));
    check(marked.length === 1 && marked[0] === target, `scrollspy marks ${target}, got ${marked}`);
    check(await page.getAttribute(`aside.toc a[href="${target}"]`, "aria-current") === "location", "and says so to screen readers");
    check(!(await page.isVisible(".toc-menu")), "no TOC menu on a wide screen");
    step("scrollspy");
    await context.close();
  }

  // ---- phone drawer ----------------------------------------------------------------------------------
  {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(server.url + TUTORIAL);
    const toggle = page.locator(".nav-toggle");
    const box = await toggle.boundingBox();
    check(box.width >= 44 && box.height >= 44, `menu button is at least 44px (${box.width}x${box.height})`);
    check(await page.evaluate(() => document.getElementById("sidebar").inert), "closed drawer is inert");
    await page.keyboard.press("Tab"); // skip link
    await page.keyboard.press("Tab");
    check(await active(page) !== "" && !(await inSidebar(page)), "Tab never lands in the closed drawer");
    await toggle.click();
    await page.waitForTimeout(250);
    check(await toggle.getAttribute("aria-expanded") === "true", "button says the drawer is open");
    check(!(await page.evaluate(() => document.getElementById("sidebar").inert)), "open drawer is not inert");
    check(await page.isVisible(".nav-backdrop"), "backdrop shown");
    const drawer = await page.locator("#sidebar").boundingBox();
    check(Math.round(drawer.y + drawer.height) >= 844 - 1, `drawer reaches the bottom of the screen (${drawer.y + drawer.height})`);
    check(await inSidebar(page), "focus moves into the drawer");
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const inside = await page.evaluate(() => document.getElementById("sidebar").contains(document.activeElement) || document.activeElement.classList.contains("nav-toggle"));
      check(inside, `Tab ${i + 1} keeps focus in the drawer or on its button (at ${await active(page)})`);
    }
    await page.keyboard.press("Escape");
    await page.waitForTimeout(250);
    check(await toggle.getAttribute("aria-expanded") === "false", "Escape closes the drawer");
    check(await active(page) === "nav-toggle icon-button", `focus returns to the menu button, got ${await active(page)}`);
    check(await page.evaluate(() => document.getElementById("sidebar").inert), "closed again: inert");
    await toggle.click();
    await page.waitForTimeout(250);
    await page.mouse.click(370, 500); // the backdrop, right of the drawer
    await page.waitForTimeout(250);
    check(await toggle.getAttribute("aria-expanded") === "false", "a tap outside closes the drawer");
    check(!(await page.isVisible(".nav-backdrop")), "and hides the backdrop");
    await toggle.click();
    await page.waitForTimeout(250);
    await page.click("#sidebar a[href='/guides/']");
    await page.waitForURL("**/guides/");
    check(await page.getAttribute(".nav-toggle", "aria-expanded") === "false", "a link tap closes it and navigates");
    step("drawer");

    // ---- narrow-screen "On this page", touch targets, copy buttons ------------------------------------
    await page.goto(server.url + TUTORIAL);
    check(await page.isVisible(".toc-menu summary"), "the On this page menu shows on a phone");
    check(!(await page.isVisible("aside.toc")), "the TOC column does not");
    await page.click(".toc-menu summary");
    const entry = page.locator(".toc-menu a").nth(1);
    const entryBox = await entry.boundingBox();
    check(entryBox.height >= 44, `TOC entries are touch-sized (${entryBox.height})`);
    const href = await entry.getAttribute("href");
    await entry.click();
    await page.waitForTimeout(300);
    check(await page.evaluate(() => location.hash) === href, `tapping an entry jumps to ${href}`);
    check(!(await page.evaluate(() => document.querySelector(".toc-menu").open)), "and closes the menu");
    const small = await page.evaluate(() => Array.from(document.querySelectorAll(".site-header button:not([hidden]), #sidebar a, #sidebar button, .toc-menu summary"))
      .filter((el) => el.offsetParent !== null || el.closest("#sidebar"))
      .map((el) => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
      .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`));
    check(small.length === 0, `touch targets at least 44px: ${small.join(", ")}`);
    const copy = await page.evaluate(() => {
      const b = document.querySelector("figure.code-block .copy-button");
      const caption = b.closest("figure").querySelector(".code-file");
      const r = b.getBoundingClientRect();
      let overlaps = false;
      if (caption && !caption.contains(b)) {
        const c = caption.getBoundingClientRect();
        overlaps = r.left < c.right && r.right > c.left && r.top < c.bottom && r.bottom > c.top;
      }
      const text = caption && caption.firstChild;
      if (caption && caption.contains(b) && text) {
        const range = document.createRange();
        range.selectNodeContents(caption);
        range.setEndBefore(b);
        const t = range.getBoundingClientRect();
        overlaps = r.left < t.right && r.top < t.bottom && r.bottom > t.top;
      }
      return { opacity: getComputedStyle(b).opacity, overlaps };
    });
    check(copy.opacity === "1", `copy buttons are visible without hover on touch (${copy.opacity})`);
    check(!copy.overlaps, "the copy button does not cover the file name");
    step("phone toc, touch targets, copy");
    await context.close();
  }

  // ---- search combobox keyboard behaviour --------------------------------------------------------------
  {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    await page.goto(server.url + "/guides/serve/");
    const input = page.locator("#search-input");
    await page.keyboard.press("/");
    check(await active(page) === "search-input", "/ focuses the search box");
    await page.keyboard.type("plugin", { delay: 20 });
    await page.waitForSelector(".search-hit");
    check(await input.getAttribute("aria-expanded") === "true", "combobox says it is expanded");
    await page.keyboard.press("ArrowDown");
    const activeId = await input.getAttribute("aria-activedescendant");
    check(activeId && await page.locator(`#${activeId}[aria-selected=true]`).count() === 1, `aria-activedescendant names the selected option (${activeId})`);
    await page.keyboard.press("Escape");
    check(!(await page.isVisible("#search-results")), "first Escape closes the list");
    check(await input.inputValue() === "plugin", "and keeps the query");
    check(await input.getAttribute("aria-expanded") === "false", "combobox says it is collapsed");
    await page.keyboard.press("Escape");
    check(await input.inputValue() === "", "second Escape clears the query");
    await page.keyboard.type("plugin", { delay: 20 });
    await page.waitForSelector(".search-hit");
    await page.mouse.click(600, 500);
    await page.waitForTimeout(150);
    check(!(await page.isVisible("#search-results")), "a click outside closes the list");
    await page.fill("#search-input", "zzzqqqxxy");
    await page.waitForTimeout(400);
    const dangling = await page.evaluate(() => {
      const id = document.getElementById("search-input").getAttribute("aria-activedescendant");
      return id && !document.getElementById(id) ? id : null;
    });
    check(dangling === null, `no aria-activedescendant to a missing option (${dangling})`);
    step("search combobox");
    await context.close();
  }

  // ---- file:// ----------------------------------------------------------------------------------------
  if (diskDir) {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(path.join(diskDir, "index.html")).href);
    check(await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")).position) === "sticky", "styles load from disk");
    await page.click("#sidebar a[href$='guides/index.html']");
    await page.waitForURL("**/guides/index.html");
    await page.click("#sidebar a[href$='search/index.html']");
    await page.waitForURL("**/guides/search/index.html");
    check(await page.evaluate(() => document.styleSheets.length) >= 1 && await page.isVisible("#sidebar a[aria-current=page]"), "links between pages work from disk");
    await page.click(".breadcrumbs a >> text=Home");
    await page.waitForURL((u) => u.href.endsWith("/index.html") && !u.href.includes("guides"));
    await page.fill("#search-input", "hot reload");
    await page.waitForSelector(".search-hit", { timeout: 10000 });
    const hit = await page.getAttribute(".search-hit", "href");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.protocol === "file:" && u.hash !== "");
    check(await page.evaluate(() => document.getElementById(decodeURIComponent(location.hash.slice(1))) !== null), `a search hit opens its page from disk (${hit})`);
    check(errors.length === 0, `no script errors from disk: ${errors}`);
    step("file://");
    await context.close();
  }
  console.log(`ok: ${steps.join(", ")}`);
} finally {
  await browser.close();
  server.close();
}
