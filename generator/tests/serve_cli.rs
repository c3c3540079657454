//! `docgen serve` end to end through the binary: it serves the site from memory with the right content
//! types and the injected client, refuses paths that escape the site, reports a port in use clearly,
//! and `docgen build` output never contains the live-reload client.

mod serve_support;

use assert_cmd::cargo::CommandCargoExt;
use serve_support::{copy_fixture, get, start_server};
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
