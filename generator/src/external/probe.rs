//! Ask each URL once: `HEAD`, then `GET` when `HEAD` is answered with anything but a success (servers
//! that refuse or mishandle `HEAD` are common) or fails other than by a timeout. 429, 5xx and timeouts
//! are retried with a doubling wait, or the wait a `Retry-After` header asks for (capped). Redirects
//! are followed (up to 10); the final answer counts. Bounded: `concurrency` requests in flight, and
//! `per_host` to one host. A host that cannot be reached at all (no DNS answer, connection refused,
//! TLS handshake failed) is not asked again in the same run: its other URLs are dead for the same
//! reason (offline, a site with hundreds of links to one host otherwise waits for each lookup).

use super::ExternalOptions;
use reqwest::{Method, StatusCode};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The longest `Retry-After` honoured; a server asking for more gets this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// What a URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer (after redirects).
    Alive { status: u16 },
    /// Anything else, said in words: `HTTP 404 Not Found`, `no answer within 10 s`, ...
    Dead { why: String },
}

/// The answer to one request, after its retries.
enum Answer {
    Status(StatusCode),
    TimedOut,
    /// No connection to the host (DNS, TCP or TLS).
    Unreachable(String),
    Failed(String),
}

/// Probe every URL; `Err` only when no client can be made (no TLS provider, no runtime).
pub fn probe_all(
    urls: &[String],
    options: &ExternalOptions,
) -> Result<BTreeMap<String, Outcome>, String> {
    if urls.is_empty() {
        return Ok(BTreeMap::new());
    }
    // Another part of the process may have installed one already; either is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::limited(10))
        .user_agent(concat!("docgen-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the request runtime: {e}"))?;
    let all = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    // Host → why it could not be reached, for the rest of the run.
    let unreachable: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for url in urls {
            // `host:port`: what one connection reaches.
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| {
                    let port = u.port_or_known_default()?;
                    Some(format!("{}:{port}", u.host_str()?))
                })
                .unwrap_or_default();
            let per_host = hosts
                .entry(host.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(options.per_host.max(1))))
                .clone();
            let (all, client, options, url, unreachable) = (
                all.clone(),
                client.clone(),
                options.clone(),
                url.clone(),
                unreachable.clone(),
            );
            tasks.spawn(async move {
                // Host first: a task waiting for a busy host does not hold one of the global slots.
                let _host = per_host.acquire_owned().await;
                let known = unreachable.lock().ok().and_then(|u| u.get(&host).cloned());
                if let Some(why) = known {
                    let why = format!("{why} (host not asked again)");
                    return (url, Outcome::Dead { why });
                }
                let _slot = all.acquire_owned().await;
                let (outcome, host_down) = probe(&client, &url, &options).await;
                if let (true, Outcome::Dead { why }, Ok(mut u)) =
                    (host_down, &outcome, unreachable.lock())
                {
                    u.insert(host, why.clone());
                }
                (url, outcome)
            });
        }
        let mut outcomes = BTreeMap::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok((url, outcome)) => {
                    outcomes.insert(url, outcome);
                }
                Err(e) => return Err(format!("a request task failed: {e}")),
            }
        }
        Ok(outcomes)
    })
}

/// Probe one URL; the flag says the host itself could not be reached.
async fn probe(client: &reqwest::Client, url: &str, options: &ExternalOptions) -> (Outcome, bool) {
    match request(client, Method::HEAD, url, options).await {
        Answer::Status(status) if status.is_success() => {
            let status = status.as_u16();
            return (Outcome::Alive { status }, false);
        }
        Answer::TimedOut => return (timed_out(options), false),
        // A GET would not connect either.
        Answer::Unreachable(why) => return (Outcome::Dead { why }, true),
        Answer::Status(_) | Answer::Failed(_) => {}
    }
    let outcome = match request(client, Method::GET, url, options).await {
        Answer::Status(status) if status.is_success() => Outcome::Alive {
            status: status.as_u16(),
        },
        Answer::Status(status) => Outcome::Dead {
            why: format!("HTTP {status}"),
        },
        Answer::TimedOut => timed_out(options),
        Answer::Unreachable(why) => return (Outcome::Dead { why }, true),
        Answer::Failed(why) => Outcome::Dead { why },
    };
    (outcome, false)
}

fn timed_out(options: &ExternalOptions) -> Outcome {
    Outcome::Dead {
        why: format!(
            "no answer within {} s ({} attempts)",
            options.timeout.as_secs_f64(),
            options.retries + 1
        ),
    }
}

/// One request with its retries.
async fn request(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    options: &ExternalOptions,
) -> Answer {
    let mut wait = options.backoff;
    let mut attempt = 0;
    loop {
        let last = attempt >= options.retries;
        attempt += 1;
        let answer = match client.request(method.clone(), url).send().await {
            Ok(response) => {
                let status = response.status();
                let again = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                if again && !last {
                    let asked = retry_after(&response);
                    tokio::time::sleep(asked.unwrap_or(wait)).await;
                    wait *= 2;
                    continue;
                }
                Answer::Status(status)
            }
            Err(e) if e.is_timeout() => {
                if !last {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    continue;
                }
                Answer::TimedOut
            }
            Err(e) if e.is_connect() => Answer::Unreachable(describe(&e)),
            Err(e) => Answer::Failed(describe(&e)),
        };
        return answer;
    }
}

/// The wait a `Retry-After: SECONDS` header asks for (an HTTP date is not honoured: the backoff
/// applies), capped at `MAX_RETRY_AFTER`.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// An error in words, with its innermost cause (reqwest's own message is only "error sending request").
fn describe(e: &reqwest::Error) -> String {
    if e.is_redirect() {
        return "too many redirects (more than 10)".into();
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let kind = if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    format!("{kind}: {cause}")
}
