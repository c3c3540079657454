//! `netlify.toml` is deployable as is: build command, publish dir, security headers, immutable caching
//! of fingerprinted assets, the 404 page, and alias redirects in the generated `_redirects`.

use site_tests::{build_site, repo_root};

fn netlify() -> toml::Table {
    let text = std::fs::read_to_string(repo_root().join("netlify.toml"))
        .expect("netlify.toml at the repo root");
    text.parse().expect("netlify.toml is valid TOML")
}

fn headers_for<'a>(config: &'a toml::Table, path: &str) -> &'a toml::Table {
    config["headers"]
        .as_array()
        .expect("[[headers]] entries")
        .iter()
        .find(|h| h["for"].as_str() == Some(path))
        .and_then(|h| h["values"].as_table())
        .unwrap_or_else(|| panic!("no [[headers]] for {path}"))
}

#[test]
fn build_command_and_publish_dir_match_the_readme() {
    let config = netlify();
    let build = config["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    let command = build["command"].as_str().unwrap();
    assert!(
        command.contains("docgen") && command.contains("build"),
        "{command}"
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(command),
        "README's build command differs from netlify.toml's: {command}"
    );
}

#[test]
fn every_page_gets_a_content_security_policy_and_security_headers() {
    let config = netlify();
    let all = headers_for(&config, "/*");
    let csp = all["Content-Security-Policy"].as_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline"),
        "the theme has no inline scripts or styles: {csp}"
    );
    assert_eq!(all["X-Content-Type-Options"].as_str(), Some("nosniff"));
    assert_eq!(all["X-Frame-Options"].as_str(), Some("DENY"));
    assert!(all.contains_key("Referrer-Policy") && all.contains_key("Strict-Transport-Security"));
}

#[test]
fn fingerprinted_assets_are_cached_forever() {
    let config = netlify();
    let cache = headers_for(&config, "/static/*")["Cache-Control"]
        .as_str()
        .unwrap();
    assert!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "{cache}"
    );
}

#[test]
fn unknown_paths_get_the_404_page_with_status_404() {
    let config = netlify();
    let redirects = config["redirects"].as_array().unwrap();
    assert!(redirects.iter().any(|r| r["to"].as_str() == Some("/404.html") && r["status"].as_integer() == Some(404)));
}

#[test]
fn built_site_has_404_and_alias_redirects_for_netlify() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("public");
    build_site(&repo_root(), &site);
    assert!(site.join("404.html").is_file());
    // Every `aliases = [...]` entry of the repo's pages must become a 301 in _redirects.
    let redirects = std::fs::read_to_string(site.join("_redirects")).unwrap_or_default();
    let mut aliases = 0;
    for entry in walk(&repo_root().join("content"))
        .into_iter()
        .chain(walk(&repo_root().join("tutorials")))
    {
        let text = std::fs::read_to_string(&entry).unwrap();
        let split = docgen::load::split_front_matter(&entry, &text).expect("valid front matter");
        for alias in &split.front_matter.aliases {
            aliases += 1;
            assert!(
                redirects
                    .lines()
                    .any(|r| r.starts_with(alias.as_str()) && r.ends_with(" 301")),
                "{alias} missing from _redirects:\n{redirects}"
            );
        }
    }
    assert!(
        aliases > 0,
        "the site should exercise aliases at least once"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out
}
