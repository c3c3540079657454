//! `docgen serve` end to end through the binary: it serves the site from memory with the right content
//! types and the injected client, refuses paths that escape the site, reports a port in use clearly,
//! and `docgen build` output never contains the live-reload client.

mod serve_support;

use assert_cmd::cargo::CommandCargoExt;
use serve_support::{copy_fixture, get, start_server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

#[test]
fn serves_pages_and_assets_from_memory_with_content_types() {
    let (_dir, root) = copy_fixture("site");
    let server = start_server(&root);

    let (status, head, body) = get(&server.addr, "/guide/intro/");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("<title>Introduction"), "{html}");
    assert!(
        html.contains(r#"<script src="/__docgen/livereload.js?v=0" defer></script></head>"#),
        "the client is injected before </head>"
    );

    let css = html
        .split('"')
        .find(|s| s.starts_with("/static/style.") && s.ends_with(".css"))
        .expect("the page links its stylesheet");
    let (status, head, _) = get(&server.addr, css);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"), "{head}");

    let (status, head, body) = get(&server.addr, "/__docgen/livereload.js");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/javascript"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("/__docgen/ws"));

    let (status, head, _) = get(&server.addr, "/sitemap.xml");
    assert_eq!(status, 200);
    assert!(head.contains("xml"), "{head}");

    // Pages rendered before the latest search bundle name an older manifest; the newest answers for it.
    let manifest = html
        .split('"')
        .find(|s| s.starts_with("/search/manifest.") && s.ends_with(".json"))
        .expect("the page names the search manifest");
    let (status, head, current) = get(&server.addr, manifest);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    let (status, _, aliased) = get(&server.addr, "/search/manifest.00000000000.json");
    assert_eq!(status, 200);
    assert_eq!(aliased, current);

    let (status, _, _) = get(&server.addr, "/guide/intro");
    assert_eq!(status, 308, "a directory without its slash redirects");

    let (status, head, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(head.contains("text/html"));
    assert!(String::from_utf8_lossy(&body).contains("Page not found"));
}

/// When the very first build fails there is no last good version to show: every path answers a page
/// that says so and carries the client (whose overlay lists the errors).
#[test]
fn a_failed_first_build_answers_a_page_that_says_so() {
    let (_dir, root) = copy_fixture("site");
    std::fs::write(
        root.join("content/broken.md"),
        "+++\ntitle = \"Broken\"\n+++\n\nSee [nowhere](missing.md).\n",
    )
    .expect("write the page");
    let server = start_server(&root);
    let (status, _, body) = get(&server.addr, "/");
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 404, "{html}");
    assert!(
        html.contains("No version of the site has built yet"),
        "{html}"
    );
    assert!(html.contains("/__docgen/livereload.js"), "{html}");
}

#[test]
fn paths_escaping_the_site_are_refused() {
    let (_dir, root) = copy_fixture("site");
    let server = start_server(&root);
    for path in [
        "/../docgen.toml",
        "/guide/../../docgen.toml",
        "/%2e%2e/docgen.toml",
        "/static/%2E%2E%2F%2E%2E%2Fdocgen.toml",
        "/..%5cdocgen.toml",
    ] {
        let (status, _, body) = get(&server.addr, path);
        assert_eq!(status, 400, "{path}");
        assert_eq!(
            String::from_utf8_lossy(&body),
            "path escapes the site",
            "{path}"
        );
    }
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("address").port();
    let (_dir, root) = copy_fixture("site");
    let output = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&root)
        .output()
        .expect("run docgen serve");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("error: 127.0.0.1:{port} is already in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--port 0"), "{stderr}");
}

#[test]
fn build_output_never_contains_the_live_reload_client() {
    let (dir, root) = copy_fixture("site");
    let out = dir.path().join("public");
    Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run docgen build");
    let mut html_files = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.expect("readable output");
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read output file");
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__docgen"),
                "{} mentions the serve client",
                entry.path().display()
            );
            html_files += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(
        html_files > 5,
        "the build wrote the site ({html_files} pages)"
    );
}

#[test]
fn missing_site_root_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-site");
    let output = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["serve", "--port", "0", "--root"])
        .arg(&missing)
        .output()
        .expect("run docgen serve");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "error: the site root {} is not a folder",
            missing.display()
        )),
        "{stderr}"
    );
}

/// A file beside the site root, and one inside the root but outside every section, each with a
/// marker that must never appear in a response; a folder symlink from the site to outside it.
/// (A symlinked page or asset that leaves the site fails the build: `tests/hardening.rs`.)
fn plant_secrets(dir: &Path, root: &Path) -> [&'static str; 2] {
    std::fs::write(dir.join("secret.txt"), "OUTSIDE-SECRET-7f3a").expect("write");
    std::fs::write(root.join("secret.txt"), "ROOT-SECRET-91c2").expect("write");
    std::os::unix::fs::symlink(dir, root.join("content/guide/up")).expect("symlink");
    ["OUTSIDE-SECRET-7f3a", "ROOT-SECRET-91c2"]
}

#[test]
fn traversal_in_any_encoding_and_symlinks_never_reach_files_outside_the_site() {
    let (dir, root) = copy_fixture("site");
    let secrets = plant_secrets(dir.path(), &root);
    let server = start_server(&root);
    let (status, _, _) = get(&server.addr, "/");
    assert_eq!(status, 200, "the site is served");
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/..%5csecret.txt",
        "/..%2fsecret.txt",
        "/secret.txt",
        "/secret.txt%00.html",
        "/leak.png",
        "/guide/up/secret.txt",
        "/guide/up/site/secret.txt",
        "//secret.txt",
        "/./secret.txt",
        "http://127.0.0.1/../secret.txt",
    ] {
        let (status, _, body) = get(&server.addr, path);
        let body = String::from_utf8_lossy(&body);
        assert!(
            [400, 404].contains(&status),
            "{path}: status {status}, body {body}"
        );
        for secret in secrets {
            assert!(!body.contains(secret), "{path} leaked {secret}");
        }
    }
}

#[test]
fn a_folder_redirect_never_points_to_another_host() {
    let (_dir, root) = copy_fixture("site");
    let server = start_server(&root);
    let (status, head, _) = get(&server.addr, "//guide");
    assert_eq!(status, 308, "{head}");
    assert!(head.contains("location: /guide/\r\n"), "{head}");
}

/// Resident memory of a process in KiB, from /proc.
fn resident_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("read /proc status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS line")
}

#[test]
fn a_request_flood_on_loopback_keeps_memory_bounded() {
    let (_dir, root) = copy_fixture("site");
    let server = start_server(&root);
    let pid = server.child.id();
    for _ in 0..50 {
        assert_eq!(get(&server.addr, "/guide/").0, 200);
    }
    let before = resident_kib(pid);
    // Idle connections that never finish their request, plus oversized headers, plus many requests.
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| {
            let mut s = TcpStream::connect(&server.addr).ok()?;
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
            Some(s)
        })
        .collect();
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let addr = server.addr.clone();
            let huge_header = &huge_header;
            scope.spawn(move || {
                for i in 0..250 {
                    if i % 50 == worker {
                        if let Ok(mut s) = TcpStream::connect(&addr) {
                            let _ = s.write_all(huge_header.as_bytes());
                            let mut sink = Vec::new();
                            let _ = s.read_to_end(&mut sink);
                        }
                    } else {
                        let path = ["/", "/guide/", "/missing", "/static/x.css"][i % 4];
                        let _ = get(&addr, path);
                    }
                }
            });
        }
    });
    let after = resident_kib(pid);
    drop(idle);
    assert_eq!(
        get(&server.addr, "/").0,
        200,
        "still serving after the flood"
    );
    println!("resident memory: {before} KiB before, {after} KiB after the flood");
    assert!(
        after < before + 64 * 1024,
        "memory grew from {before} KiB to {after} KiB during 2000 requests"
    );
}
