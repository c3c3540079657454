#!/usr/bin/env python3
"""Seed fuzz/corpus/TARGET/ from the repository's own content, tutorials, plugins and fixtures.

Usage: python3 fuzz/seed.py OUT_DIR   (then `cargo fuzz cmin` minimises OUT_DIR/TARGET into
fuzz/corpus/TARGET; see docs/reliability.md). Seeds are named by the blake2 of their bytes, so
running it twice gives the same files.
"""

import hashlib
import pathlib
import re
import sys
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP = ("target", "node_modules", ".git", "fuzz", "public")


def files(pattern):
    for path in sorted(ROOT.rglob(pattern)):
        if not any(part in SKIP for part in path.relative_to(ROOT).parts):
            yield path


def fences(text):
    """(info string, code) of every fenced block in a markdown text."""
    for match in re.finditer(r"^(`{3,}|~{3,})([^\n]*)\n(.*?)^\1[ \t]*$", text, re.M | re.S):
        yield match.group(2).strip(), match.group(3)


def main(out):
    seeds = {}

    def add(target, data):
        if isinstance(data, str):
            data = data.encode()
        if len(data) > 64 * 1024:
            return
        seeds.setdefault(target, set()).add(bytes(data))

    for md in files("*.md"):
        text = md.read_text(errors="replace")
        add("parse_page", text)
        for fence, target in (("+++", "front_matter_toml"), ("---", "front_matter_yaml")):
            if text.startswith(fence + "\n"):
                end = text.find("\n" + fence, len(fence))
                if end > 0:
                    add(target, text[len(fence) + 1 : end])
        for info, code in fences(text):
            add("info_string", info)
            lang = info.split()[0] if info.split() else ""
            if lang == "console":
                add("console_block", b"\x00" + code.encode())
                for part in re.split(r"^\$ ", code, flags=re.M)[1:]:
                    output = part.split("\n", 1)[1] if "\n" in part else ""
                    expected = output.encode()[:255]
                    add("output_matcher", bytes([len(expected)]) + expected + output.encode())
            elif lang == "perf":
                add("perf_block", code)
            elif lang == "toml" and "ax.toml" in info:
                add("ax_toml", code)
            elif lang == "toml" and "plugin.toml" in info:
                add("plugin_toml", code)
            elif lang == "lua":
                pass
    for toml in files("docgen.toml"):
        add("docgen_toml", toml.read_bytes())
    for toml in files("ax.toml"):
        add("ax_toml", toml.read_bytes())
    for toml in files("plugin.toml"):
        add("plugin_toml", toml.read_bytes())
    for ext, targets in (
        ("rs", ["scan_rust"]),
        ("py", ["scan_python"]),
        ("ts", ["scan_typescript"]),
        ("tsx", ["scan_typescript"]),
        ("js", ["scan_javascript"]),
        ("go", ["scan_go"]),
    ):
        for source in files("*." + ext):
            rel = source.relative_to(ROOT).parts
            if "fixtures" in rel or rel[0] == "tutorials":
                for target in targets:
                    add(target, source.read_bytes())
    # Search shards of a built site (`docgen build --out DIR`), mode byte 0; plus the other modes.
    for shard in pathlib.Path("/dev/shm/fuzz-site/search").rglob("t*.bin"):
        add("search_bundle", b"\x00" + zlib.decompress(shard.read_bytes()))
    add("search_bundle", b"\x01\x20" + b"\x05parse\x02\x03\x00\x00\x00\x01\x07\x02\x05\x00")
    add("search_bundle", b"\x02\x03abc\x08Title \xce\xa9\x05Intro\x20parse the request body fast\x0blet x = 1;")
    for seed in range(8):
        add("lua_sandbox", bytes((seed * 37 + i * 11) % 256 for i in range(24)))

    for target, datas in sorted(seeds.items()):
        folder = pathlib.Path(out) / target
        folder.mkdir(parents=True, exist_ok=True)
        for data in datas:
            (folder / hashlib.blake2b(data, digest_size=10).hexdigest()).write_bytes(data)
        print(f"{target}: {len(datas)} seeds")


if __name__ == "__main__":
    main(sys.argv[1])
