// docgen serve in headless Chromium: an edited page reloads with its new text, broken front matter shows
// the overlay naming the file and line, fixing it removes the overlay, and an editor that saves by
// rename is picked up; with `tutorials` as 4th argument (the server runs with --test-tutorials), a saved
// tutorial's failure and then its pass show in the tutorial panel.
// Usage: node serve_e2e.mjs SITE_ROOT URL SCREENSHOT_DIR [tutorials]
import fs from "node:fs";
import path from "node:path";
import { launch, check } from "./lib.mjs";

const [root, baseUrl, shots, withTutorials] = process.argv.slice(2);
const TIMEOUT_MS = 15000;

/** Poll `probe` (which may throw while the page reloads) until it returns true. */
async function eventually(what, probe) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

function editFile(relative, from, to) {
  const file = path.join(root, relative);
  const text = fs.readFileSync(file, "utf8");
  check(text.includes(from), `${relative} contains ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

const connected = (page) => page.evaluate(() => document.documentElement.dataset.docgenLive === "connected");

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/guide/setup/`);
  await eventually("the live-reload socket", () => connected(page));

  // 1. Edit a page: the browser reloads (the marker is gone) and shows the new text.
  await page.evaluate(() => { window.beforeReload = true; });
  editFile("content/guide/setup.md", "Setup steps, written with YAML front matter.", "Setup steps, edited while serving.");
  await eventually("the edited text", async () =>
    (await page.textContent("main")).includes("edited while serving"));
  check(await page.evaluate(() => window.beforeReload === undefined), "the page was reloaded");
  console.log("edit: page reloaded with the new text");

  // 2. Break the front matter of another page: the overlay names file, line and column, and the source line.
  await eventually("the socket after reload", () => connected(page));
  editFile("content/guide/intro.md", "weight = 1", "weight = = 1");
  await eventually("the error overlay", async () => (await page.$("#docgen-overlay")) !== null);
  const overlay = await page.textContent("#docgen-overlay");
  check(overlay.includes("content/guide/intro.md:4:10"), `overlay names file:line:col: ${overlay}`);
  check(overlay.includes("weight = = 1"), `overlay shows the source line: ${overlay}`);
  check((await page.textContent("main")).includes("edited while serving"), "the last good page is still shown");
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, "overlay.png") });
  console.log("broken: overlay names content/guide/intro.md:4:10");

  // 3. A page opened while the build is broken shows the overlay at once.
  const second = await browser.newPage();
  await second.goto(`${baseUrl}/`);
  await eventually("the overlay on a newly opened page", async () => (await second.$("#docgen-overlay")) !== null);
  await second.close();

  // 4. Fix it: the overlay goes away.
  editFile("content/guide/intro.md", "weight = = 1", "weight = 1");
  await eventually("the overlay to go", async () =>
    (await connected(page)) && (await page.$("#docgen-overlay")) === null);
  console.log("fixed: overlay gone");

  // 5. An editor that writes a temp file and renames it over the page.
  const file = path.join(root, "content/guide/setup.md");
  const temp = path.join(root, "content/guide/.setup.md.tmp");
  fs.writeFileSync(temp, fs.readFileSync(file, "utf8").replace("edited while serving", "saved by rename"));
  fs.renameSync(temp, file);
  await eventually("the renamed-in text", async () => (await page.textContent("main")).includes("saved by rename"));
  console.log("rename: page reloaded with the new text");

  // 6. Rapid edits: the page ends on the last one.
  for (let i = 1; i <= 5; i++) {
    editFile("content/guide/setup.md", i === 1 ? "saved by rename" : `rapid edit ${i - 1}`, `rapid edit ${i}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  await eventually("the last rapid edit", async () => (await page.textContent("main")).includes("rapid edit 5"));
  console.log("rapid: page shows the last of 5 edits");

  // 7. --test-tutorials: a failing console block shows path:line and the diff; fixing it shows a pass.
  if (withTutorials === "tutorials") {
    const tutorial = (expected) =>
      `+++\ntitle = "Hello"\n+++\n\nCheck the version:\n\n\`\`\`console\n$ ax --version\n${expected}\n\`\`\`\n`;
    await eventually("the socket before the tutorial", () => connected(page));
    fs.writeFileSync(path.join(root, "tutorials/hello.md"), tutorial("ax 9.9.9-not-this-version"));
    await eventually("the failed tutorial panel", async () => {
      const text = await page.textContent("#docgen-tutorial");
      return text !== null && text.includes("tutorial failed");
    });
    const failed = await page.textContent("#docgen-tutorial");
    check(failed.includes("tutorials/hello.md:8"), `panel names the failing line: ${failed}`);
    check(failed.includes("9.9.9-not-this-version"), `panel shows the diff: ${failed}`);
    await page.screenshot({ path: path.join(shots, "tutorial-failed.png") });
    console.log("tutorial: failure shows tutorials/hello.md:8");
    fs.writeFileSync(path.join(root, "tutorials/hello.md"), tutorial("ax [..]"));
    await eventually("the passed tutorial panel", async () => {
      const text = await page.textContent("#docgen-tutorial");
      return text !== null && text.includes("tutorials/hello.md: tutorial passed");
    });
    console.log("tutorial: fixed tutorial passes");
  }
} finally {
  await browser.close();
}
