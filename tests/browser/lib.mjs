// Shared helpers for the browser end-to-end tests: a static file server for a built site and a
// headless Debian chromium driven by playwright-core (never a downloaded browser).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml",
  ".png": "image/png", ".bin": "application/octet-stream",
};

/**
 * Serve `root` on 127.0.0.1 at a free port; resolves to { url, close }. With `mount` ("/docs/"), the
 * site is served under that path only, as a host would deploy a site whose base_url has a path, and any
 * request outside it is a plain 404; every requested path is appended to `requests`.
 */
export function serveDir(root, { mount = "/", requests = [] } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    requests.push(url.pathname);
    if (!url.pathname.startsWith(mount)) { res.writeHead(404).end("outside the site"); return; }
    const inside = url.pathname.slice(mount.length - 1);
    let file = path.normalize(path.join(root, decodeURIComponent(inside)));
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(fs.existsSync(path.join(root, "404.html")) ? fs.readFileSync(path.join(root, "404.html")) : "not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}

/** Launch headless chromium with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** Throw with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
