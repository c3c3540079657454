//! Caps glibc's malloc arenas for `ax serve` (decision 0106): queries run on tokio's pool of
//! blocking threads, and glibc gives each new thread an arena of its own (up to 8 per core), whose
//! freed memory other threads never reuse, so the resident set crept for minutes under load.
//! Input is the environment (a user's own `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES` setting wins) and
//! the core count; output is one `mallopt(M_ARENA_MAX)` call before the server starts its threads.

/// How many arenas `ax serve` allows: one per core (at least two), or `None` when the user set the
/// limit themselves (glibc has applied it already).
pub fn arena_cap(
    malloc_arena_max: Option<&str>,
    glibc_tunables: Option<&str>,
    cores: usize,
) -> Option<usize> {
    let tunable_set = glibc_tunables.is_some_and(|tunables| {
        tunables
            .split(':')
            .any(|setting| setting.trim_start().starts_with("glibc.malloc.arena_max="))
    });
    (malloc_arena_max.is_none() && !tunable_set).then_some(cores.max(2))
}

/// Caps the arenas as [`arena_cap`] decides for this process's environment.
pub fn cap_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let cap = arena_cap(
        std::env::var("MALLOC_ARENA_MAX").ok().as_deref(),
        std::env::var("GLIBC_TUNABLES").ok().as_deref(),
        cores,
    );
    if let Some(arenas) = cap {
        set_arena_max(arenas);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(arenas: usize) {
    let arenas = libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets a glibc tunable (it takes the main arena's lock); it is documented
    // as callable at any time, and a limit below the arenas already made only stops new ones.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

/// Other allocators (musl, macOS) keep no per-thread arenas to cap.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_arenas: usize) {}

#[cfg(test)]
mod tests {
    use super::arena_cap;

    #[test]
    fn caps_at_one_arena_per_core_with_at_least_two() {
        assert_eq!(arena_cap(None, None, 16), Some(16));
        assert_eq!(arena_cap(None, None, 2), Some(2));
        assert_eq!(arena_cap(None, None, 1), Some(2));
    }

    #[test]
    fn a_users_malloc_arena_max_wins() {
        assert_eq!(arena_cap(Some("8"), None, 2), None);
        assert_eq!(arena_cap(Some(""), None, 2), None);
    }

    #[test]
    fn a_users_glibc_tunable_wins_but_other_tunables_do_not_count() {
        let both = "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=4";
        assert_eq!(arena_cap(None, Some(both), 2), None);
        assert_eq!(
            arena_cap(None, Some("glibc.malloc.arena_test=4"), 2),
            Some(2)
        );
    }

    /// The cap holds in a real process: eight threads alive at once share the capped arenas, where
    /// glibc's default (8 per core) gives most of them one each. Each case runs in a fresh child
    /// process: glibc fixes its limit once a process has more arenas than `arena_test` (8), and
    /// the test harness's own threads have arenas already.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn threads_started_after_the_cap_share_the_capped_arenas() {
        let uncapped = arenas_in_a_child("none");
        let capped = arenas_in_a_child("2");
        assert!(
            uncapped >= 4,
            "without a cap, 8 threads made only {uncapped} arenas"
        );
        assert!(
            capped <= 2,
            "with the cap at 2, 8 threads made {capped} arenas"
        );
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn arenas_in_a_child(cap: &str) -> usize {
        let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "serve::allocator::tests::arenas_after_eight_threads",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("AX_TEST_ARENA_CAP", cap)
            .env_remove("MALLOC_ARENA_MAX")
            .env_remove("GLIBC_TUNABLES")
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
            .lines()
            .find_map(|line| line.split_once("ARENAS ").map(|(_, count)| count))
            .and_then(|count| count.trim().parse().ok())
            .unwrap_or_else(|| panic!("the child printed no arena count: {stdout}"))
    }

    /// The child of the test above: caps the arenas as `AX_TEST_ARENA_CAP` says (`none`: not at
    /// all), runs eight threads at once and prints `ARENAS count`.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    #[ignore = "run in a fresh process by threads_started_after_the_cap_share_the_capped_arenas"]
    fn arenas_after_eight_threads() {
        let cap = std::env::var("AX_TEST_ARENA_CAP").expect("set by the parent test");
        if let Ok(arenas) = cap.parse() {
            super::set_arena_max(arenas);
        }
        run_threads(8);
        println!("ARENAS {}", arena_count());
    }

    /// Starts `count` threads that are all alive (and have allocated) at the same time.
    fn run_threads(count: usize) {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(count));
        let threads: Vec<_> = (0..count)
            .map(|_| {
                let barrier = std::sync::Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let buffer = std::hint::black_box(vec![1u8; 4096]);
                    barrier.wait();
                    drop(buffer);
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("an allocating thread");
        }
    }

    /// The arenas glibc has made so far (`<heap nr=` entries of `malloc_info`).
    fn arena_count() -> usize {
        let mut buffer: *mut libc::c_char = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        // SAFETY: open_memstream gives a FILE that writes into a malloc'd buffer, which we read
        // after fclose and free once.
        let text = unsafe {
            let stream = libc::open_memstream(&mut buffer, &mut size);
            assert!(!stream.is_null(), "open_memstream failed");
            libc::malloc_info(0, stream);
            libc::fclose(stream);
            let bytes = std::slice::from_raw_parts(buffer.cast::<u8>(), size).to_vec();
            libc::free(buffer.cast());
            bytes
        };
        String::from_utf8_lossy(&text).matches("<heap nr=").count()
    }
}
