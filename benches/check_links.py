#!/usr/bin/env python3
"""Independent dead-link checker for a built static site (docgen's or mdBook's output).

    python3 benches/check_links.py OUT_DIR

Reads every .html file under OUT_DIR with Python's html.parser (nothing shared with docgen), resolves
each relative href/src against the file's own location, and reports links whose target file does not
exist and #anchors with no element of that id in the target. External links (scheme or //host),
mailto:, javascript: and data: URLs are not checked. Prints a summary line
`links: N checked, D dead (F missing files, A missing anchors)` and up to 10 examples; exit 0.
"""
import html.parser
import os
import sys
import urllib.parse


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in ("a", "area", "link") and attrs.get("href") is not None:
            # <link rel=canonical/alternate> name absolute URLs; stylesheets and icons are files.
            self.links.append(attrs["href"])
        if tag in ("img", "script", "source", "iframe") and attrs.get("src") is not None:
            self.links.append(attrs["src"])


def parse(path, cache):
    if path not in cache:
        collector = Collector()
        with open(path, encoding="utf-8", errors="replace") as f:
            collector.feed(f.read())
        cache[path] = collector
    return cache[path]


def target_file(root, page, url_path):
    if url_path.startswith("/"):
        candidate = os.path.join(root, url_path.lstrip("/"))
    else:
        candidate = os.path.join(os.path.dirname(page), url_path)
    candidate = os.path.normpath(candidate)
    if os.path.isdir(candidate):
        candidate = os.path.join(candidate, "index.html")
    return candidate


def main():
    root = os.path.abspath(sys.argv[1])
    cache, checked, missing_files, missing_anchors, examples = {}, 0, 0, 0, []
    pages = [os.path.join(d, f) for d, _, files in os.walk(root) for f in files if f.endswith(".html")]
    for page in sorted(pages):
        for link in parse(page, cache).links:
            parsed = urllib.parse.urlsplit(link)
            if parsed.scheme or parsed.netloc or link.startswith("//"):
                continue
            checked += 1
            url_path = urllib.parse.unquote(parsed.path)
            target = page if not url_path else target_file(root, page, url_path)
            rel = os.path.relpath(page, root)
            if not os.path.exists(target):
                missing_files += 1
                examples.append(f"{rel}: {link} (no file)")
                continue
            if parsed.fragment and target.endswith(".html"):
                anchor = urllib.parse.unquote(parsed.fragment)
                if anchor not in parse(target, cache).ids:
                    missing_anchors += 1
                    examples.append(f"{rel}: {link} (no #{anchor})")
    dead = missing_files + missing_anchors
    print(f"links: {checked} checked, {dead} dead ({missing_files} missing files, {missing_anchors} missing anchors)")
    for example in examples[:10]:
        print(f"  {example}")


if __name__ == "__main__":
    main()
