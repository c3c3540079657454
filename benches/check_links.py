#!/usr/bin/env python3
"""Independent dead-link counter for a built site (no docgen code): walks OUT, parses every HTML file
with Python's html.parser, and checks every href/src/srcset against the files and ids of the output.

Usage: check_links.py OUT [BASE_URL] [--list]
Prints one JSON object: files, links checked, dead links (total, inside <article> = page body, outside =
navigation/breadcrumbs/templates), external links (not fetched), and with --list every dead link.
"""
import json
import os
import posixpath
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.refs = []  # (url, in_article)
        self.article_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.article_depth += 1
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.refs.append((attrs[name].strip(), self.article_depth > 0))
        if attrs.get("srcset"):
            for candidate in attrs["srcset"].split(","):
                parts = candidate.split()
                if parts:
                    self.refs.append((parts[0], self.article_depth > 0))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "article":
            self.article_depth -= 1

    def handle_endtag(self, tag):
        if tag == "article" and self.article_depth > 0:
            self.article_depth -= 1


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listing = "--list" in sys.argv
    out = args[0]
    base = args[1] if len(args) > 1 else "http://localhost/"
    base_split = urlsplit(base)
    prefix = base_split.path if base_split.path.endswith("/") else base_split.path + "/"
    files = set()
    for dirpath, _, names in os.walk(out):
        for n in names:
            files.add(os.path.relpath(os.path.join(dirpath, n), out).replace(os.sep, "/"))
    pages = {}
    for f in sorted(files):
        if f.endswith(".html"):
            p = Page()
            with open(os.path.join(out, f), encoding="utf-8", errors="replace") as fh:
                p.feed(fh.read())
            pages[f] = p
    checked = 0
    external = set()
    dead = []
    for f, page in pages.items():
        for url, in_article in page.refs:
            checked += 1
            if not url:
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                if url.startswith(base.rstrip("/")):
                    path = prefix.rstrip("/") + url[len(base.rstrip("/")):]
                    parts = urlsplit(path)
                elif parts.scheme in ("http", "https") or url.startswith("//"):
                    external.add(url)
                    continue
                else:
                    continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not (path + ("/" if not path.endswith("/") else "")).startswith(prefix):
                    dead.append((f, url, in_article, "outside base path"))
                    continue
                target = path[len(prefix):] if path.startswith(prefix) else ""
            elif path == "":
                target = f
            else:
                target = posixpath.join(posixpath.dirname(f), path)
            trailing = target.endswith("/") or target == ""
            target = posixpath.normpath(target) if target else ""
            if target.startswith(".."):
                dead.append((f, url, in_article, "above root"))
                continue
            if target == ".":
                target = ""
            candidates = [target, target + "/index.html" if target else "index.html"]
            if trailing and target:
                candidates = [target + "/index.html"]
            hit = next((c for c in candidates if c in files), None)
            if hit is None:
                dead.append((f, url, in_article, "no such file"))
                continue
            frag = unquote(parts.fragment)
            if frag and frag != "top" and hit in pages and frag not in pages[hit].ids:
                dead.append((f, url, in_article, "no such id"))
    result = {
        "html_files": len(pages),
        "links_checked": checked,
        "dead": len(dead),
        "dead_in_page_body": sum(1 for d in dead if d[2]),
        "dead_outside_page_body": sum(1 for d in dead if not d[2]),
        "external_links": len(external),
    }
    if listing:
        result["dead_links"] = [{"file": d[0], "url": d[1], "in_body": d[2], "why": d[3]} for d in dead]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
