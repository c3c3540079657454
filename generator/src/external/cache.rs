//! The cache of external URLs that answered: `{"version": 1, "urls": {URL: {"status": 200,
//! "checked_at": UNIX_SECONDS}}}`. Only answers are remembered (a dead URL is asked again next run, so
//! a fix shows at once); entries older than the maximum age are dropped when the file is written.
//! Written atomically (temporary file, then rename), so a killed run leaves the old cache or the new.

use crate::diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entries {
    version: u32,
    urls: BTreeMap<String, Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    status: u16,
    checked_at: u64,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Entries {
    /// Whether `url` answered less than `max_age` ago.
    pub fn fresh(&self, url: &str, now: u64, max_age: Duration) -> bool {
        self.urls
            .get(url)
            .is_some_and(|e| now.saturating_sub(e.checked_at) < max_age.as_secs())
    }

    pub fn insert(&mut self, url: &str, status: u16, now: u64) {
        self.urls.insert(
            url.to_owned(),
            Entry {
                status,
                checked_at: now,
            },
        );
    }

    pub fn remove(&mut self, url: &str) {
        self.urls.remove(url);
    }

    /// Drop what is older than `max_age`.
    pub fn expire(&mut self, now: u64, max_age: Duration) {
        self.urls
            .retain(|_, e| now.saturating_sub(e.checked_at) < max_age.as_secs());
    }
}

/// Read the cache; a missing file is an empty cache, an unreadable or foreign one a warning (and an
/// empty cache: every URL is asked again).
pub fn read(path: &Path) -> Result<Entries, Diagnostic> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Entries::default()),
        Err(e) => return Err(Diagnostic::warning(path, 0, 0, format!("cannot read: {e}"))),
    };
    match serde_json::from_str::<Entries>(&text) {
        Ok(entries) if entries.version == VERSION => Ok(entries),
        Ok(entries) => Err(Diagnostic::warning(
            path,
            0,
            0,
            format!(
                "cache version {} is not {VERSION}; every URL is checked again",
                entries.version
            ),
        )),
        Err(e) => Err(Diagnostic::warning(
            path,
            e.line(),
            e.column(),
            format!("not a link cache ({e}); every URL is checked again"),
        )),
    }
}

/// Write the cache atomically, creating its folder.
pub fn write(path: &Path, entries: &Entries) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| Diagnostic::warning(path, 0, 0, format!("cannot write: {e}"));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "version": VERSION,
        "urls": entries.urls,
    }))
    .map_err(|e| fail(e.into()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    temp.write_all(json.as_bytes()).map_err(fail)?;
    temp.write_all(b"\n").map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_survive_a_round_trip() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(".docgen/external-links.json");
        let mut entries = read(&path).expect("missing file is an empty cache");
        entries.insert("https://a.example/", 200, 1000);
        entries.insert("https://b.example/", 204, 10);
        let day = Duration::from_secs(86_400);
        entries.expire(1000 + 3600, day);
        write(&path, &entries).expect("write");
        let back = read(&path).expect("read back");
        assert!(back.fresh("https://a.example/", 1000 + 3600, day));
        assert!(!back.fresh("https://a.example/", 1000 + 86_400, day));
        assert!(!back.fresh("https://b.example/", 1000, Duration::from_secs(60)));
        std::fs::write(&path, "{\"version\": 1, \"urls\": [}").expect("corrupt it");
        let err = read(&path).expect_err("a torn file is refused");
        assert!(err.message.contains("not a link cache"), "{err:?}");
        assert_eq!(err.line, 1);
    }
}
