//! `docgen check --external` against a local HTTP server the test starts (no internet needed): a
//! live URL, a 404, a redirect to a live URL, a redirect to a dead one, a server that never answers,
//! a 429 then 200, HEAD refused but GET fine, and a 503 every time. Dead ones are reported at the
//! markdown `path:line:col`; a re-run asks only about what is not cached; `--skip` is honoured.

mod common;

use assert_cmd::Command;
use common::TempSite;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers by path and counts requests per `METHOD path`.
struct Server {
    port: u16,
    seen: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let counts = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counts = counts.clone();
                std::thread::spawn(move || answer(stream, &counts));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn count(&self, request: &str) -> usize {
        self.seen
            .lock()
            .expect("lock")
            .get(request)
            .copied()
            .unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.seen.lock().expect("lock").values().sum()
    }
}

fn answer(stream: TcpStream, counts: &Mutex<HashMap<String, usize>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        // Skip the headers.
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let key = format!("{method} {path}");
        let n = {
            let mut counts = counts.lock().expect("lock");
            let n = counts.entry(key).or_insert(0);
            *n += 1;
            *n
        };
        let (status, extra) = match path.as_str() {
            "/ok" => ("200 OK", String::new()),
            "/missing" => ("404 Not Found", String::new()),
            "/moved" => ("301 Moved Permanently", "Location: /ok\r\n".to_owned()),
            "/moved-to-missing" => ("302 Found", "Location: /missing\r\n".to_owned()),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(5));
                ("200 OK", String::new())
            }
            "/busy-then-ok" if n == 1 => ("429 Too Many Requests", "Retry-After: 0\r\n".to_owned()),
            "/busy-then-ok" => ("200 OK", String::new()),
            "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
            "/no-head" => ("200 OK", String::new()),
            "/down" => ("503 Service Unavailable", String::new()),
            _ => ("404 Not Found", String::new()),
        };
        let body = if method == "HEAD" { "" } else { "hello" };
        let response = format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            if method == "HEAD" { 5 } else { body.len() }
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn site_linking_to(server: &Server) -> TempSite {
    let site = TempSite::new();
    site.file(
        "docgen.toml",
        "title = \"x\"\nbase_url = \"https://docs.example.org/\"\n",
    );
    let page = format!(
        "+++\ntitle = \"Links\"\n+++\n\n\
         Fine: [ok]({ok}), [moved]({moved}) and [busy]({busy}) and [no head]({nohead}#part).\n\
         \n\
         Dead: [gone]({missing}).\n\
         Also [slow]({slow}), then [bad redirect]({moved_missing}).\n\
         Down: [down]({down}).\n",
        ok = server.url("/ok"),
        moved = server.url("/moved"),
        busy = server.url("/busy-then-ok"),
        nohead = server.url("/no-head"),
        missing = server.url("/missing"),
        slow = server.url("/slow"),
        moved_missing = server.url("/moved-to-missing"),
        down = server.url("/down"),
    );
    site.file("content/links.md", &page);
    site
}

/// Whether `stderr` has a diagnostic whose first line starts with `title` and that points at `at`
/// (`path:line:col`).
fn reported(stderr: &str, title: &str, at: &str) -> bool {
    stderr
        .split("\n\n")
        .any(|block| block.starts_with(title) && block.contains(&format!("--> {at}\n")))
}

/// The 1-based column of `needle` in line `line` (1-based) of `text`.
fn column(text: &str, line: usize, needle: &str) -> usize {
    let l = text.lines().nth(line - 1).expect("line exists");
    l[..l.find(needle).expect("needle on the line")]
        .chars()
        .count()
        + 1
}

fn check(site: &TempSite, extra: &[&str]) -> (bool, String) {
    let output = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["check", "--external", "--timeout", "1", "--retries", "1"])
        .args(extra)
        .arg("--root")
        .arg(site.root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run docgen check");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn dead_external_links_are_reported_at_their_markdown_position_and_answers_are_cached() {
    let server = Server::start();
    let site = site_linking_to(&server);
    let page = std::fs::read_to_string(site.root().join("content/links.md")).expect("page");
    let (ok, stderr) = check(&site, &[]);
    assert!(!ok, "dead links fail the check:\n{stderr}");
    let missing = server.url("/missing");
    assert!(
        reported(
            &stderr,
            &format!("error: external link `{missing}` is dead: HTTP 404 Not Found"),
            "content/links.md:7:7"
        ),
        "{stderr}"
    );
    assert!(
        reported(
            &stderr,
            &format!(
                "error: external link `{}` is dead: no answer within 1 s (2 attempts)",
                server.url("/slow")
            ),
            "content/links.md:8:6"
        ),
        "{stderr}"
    );
    assert!(
        reported(
            &stderr,
            &format!(
                "error: external link `{}` is dead: HTTP 404 Not Found",
                server.url("/moved-to-missing")
            ),
            &format!("content/links.md:8:{}", column(&page, 8, "[bad redirect]"))
        ),
        "{stderr}"
    );
    assert!(
        reported(
            &stderr,
            &format!(
                "error: external link `{}` is dead: HTTP 503 Service Unavailable",
                server.url("/down")
            ),
            "content/links.md:9:7"
        ),
        "{stderr}"
    );
    for alive in ["/ok", "/moved", "/busy-then-ok", "/no-head"] {
        assert!(
            !stderr.contains(&format!("`{}` is dead", server.url(alive))),
            "{alive} answered:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("external: 8 URLs, 0 skipped, 0 from cache, 8 requested, 4 dead"),
        "{stderr}"
    );
    // HEAD first, GET only when HEAD was refused; 429 and 503 retried (once, --retries 1).
    assert_eq!(server.count("GET /ok"), 0);
    assert_eq!(server.count("HEAD /no-head"), 1);
    assert_eq!(server.count("GET /no-head"), 1);
    assert_eq!(server.count("HEAD /busy-then-ok"), 2);
    assert_eq!(server.count("HEAD /down"), 2);
    assert_eq!(server.count("GET /down"), 2);

    // Re-run: the four that answered come from the cache; only the dead ones are asked again.
    let before = server.count("HEAD /ok") + server.count("HEAD /no-head");
    let (ok, again) = check(&site, &[]);
    assert!(!ok);
    assert!(
        again.contains("external: 8 URLs, 0 skipped, 4 from cache, 4 requested, 4 dead"),
        "{again}"
    );
    assert_eq!(
        server.count("HEAD /ok") + server.count("HEAD /no-head"),
        before
    );
    let cache = std::fs::read_to_string(site.root().join(".docgen/external-links.json"))
        .expect("cache written");
    assert!(cache.contains(&server.url("/ok")), "{cache}");
    assert!(
        !cache.contains(&missing),
        "dead URLs are not cached: {cache}"
    );
}

#[test]
fn skip_patterns_and_warn_links() {
    let server = Server::start();
    let site = site_linking_to(&server);
    let pattern = format!("http://127.0.0.1:{}/*", server.port);
    let (ok, stderr) = check(&site, &["--skip", &pattern, "--cache-hours", "0"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("external: 8 URLs, 8 skipped, 0 from cache, 0 requested, 0 dead"),
        "{stderr}"
    );
    assert_eq!(server.total(), 0, "skipped URLs are not requested");
    assert!(!site.root().join(".docgen/external-links.json").exists());

    let only_dead = server.url("/missing");
    let skip_slow = server.url("/slow");
    let (ok, stderr) = check(
        &site,
        &["--warn-links", "--skip", &skip_slow, "--cache-hours", "0"],
    );
    assert!(ok, "--warn-links keeps the exit code 0:\n{stderr}");
    assert!(
        reported(
            &stderr,
            &format!("warning: external link `{only_dead}` is dead"),
            "content/links.md:7:7"
        ),
        "{stderr}"
    );
    assert_eq!(server.count("HEAD /slow"), 0);
}

#[test]
fn without_external_nothing_is_requested() {
    let server = Server::start();
    let site = site_linking_to(&server);
    let output = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["check", "--root"])
        .arg(site.root())
        .output()
        .expect("run docgen check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("checked 2 pages: 0 errors"), "{stderr}");
    assert_eq!(server.total(), 0);
}

#[test]
fn an_unreachable_host_is_asked_once() {
    // A port nothing listens on: connection refused, a host-level failure.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let site = TempSite::new();
    site.file(
        "content/a.md",
        &format!(
            "+++\ntitle = \"A\"\n+++\n\n[one](http://127.0.0.1:{port}/one) [two](http://127.0.0.1:{port}/two)\n"
        ),
    );
    let (ok, stderr) = check(&site, &["--cache-hours", "0", "--per-host", "1"]);
    assert!(!ok);
    assert!(
        stderr.contains("external: 2 URLs, 0 skipped, 0 from cache, 2 requested, 2 dead"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("cannot connect").count(),
        2,
        "both reported:\n{stderr}"
    );
    assert_eq!(
        stderr.matches("(host not asked again)").count(),
        1,
        "the second URL of the host is not requested:\n{stderr}"
    );
}

#[test]
fn help_explains_the_external_check() {
    let output = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["check", "--help"])
        .output()
        .expect("run docgen check --help");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for needle in [
        "--external",
        "--concurrency",
        "--per-host",
        "--timeout",
        "--retries",
        "--skip",
        "--cache-hours",
        "HEAD, then GET",
        "Retry-After",
        ".docgen/external-links.json",
        "path:line:col",
    ] {
        assert!(help.contains(needle), "`{needle}` missing from:\n{help}");
    }
}
