//! Finding and killing the processes a sandbox started that left its process groups. Killing a
//! command's process group misses a process that called `setsid` (or `setpgid`): it kept running
//! after the tutorial, and one holding the output pipe hung the run until it exited. The harness is
//! made a child subreaper (`PR_SET_CHILD_SUBREAPER`) so such orphans are re-parented to it, not to
//! PID 1; they are recognised by the sandbox's `HOME` in their environment or a working folder
//! inside the sandbox, among processes started since a given moment, killed, and reaped.
//! Input: a sandbox's root and start time; output: nothing left running.

use std::path::Path;
use std::time::{Duration, Instant};

/// How long a sweep waits for killed processes to die and be reaped before giving up.
const SWEEP_LIMIT: Duration = Duration::from_secs(2);

/// Makes this process the reaper of its orphaned descendants, once. An escaped process whose shell
/// died is then this process's child: it can be reaped after the kill (PID 1 of a container may
/// never reap), and the sweep sees it even after its parent is gone.
pub fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    });
}

/// Clock ticks since boot, the unit of `starttime` in `/proc/PID/stat`; 0 (every process is
/// recent enough) when the clock cannot be read.
pub fn ticks_since_boot() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime(2) writes only the local passed by pointer; sysconf(3) reads a constant.
    let (clock, per_second) = unsafe {
        (
            libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut now),
            libc::sysconf(libc::_SC_CLK_TCK),
        )
    };
    let (Ok(seconds), Ok(nanos), Ok(per_second)) = (
        u64::try_from(now.tv_sec),
        u64::try_from(now.tv_nsec),
        u64::try_from(per_second),
    ) else {
        return 0;
    };
    if clock != 0 {
        return 0;
    }
    seconds * per_second + nanos * per_second / 1_000_000_000
}

/// A process as `/proc/PID/stat` describes it.
#[derive(Debug, Clone, Copy)]
pub struct ProcessInfo {
    pub pid: i32,
    pub parent: i32,
    pub group: i32,
    pub started_ticks: u64,
}

/// Every process in `/proc` whose `stat` is readable.
pub fn processes() -> Vec<ProcessInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid pgrp session ... starttime`; comm may hold spaces and `)`.
            let fields: Vec<&str> = stat
                .get(stat.rfind(')')? + 1..)?
                .split_whitespace()
                .collect();
            Some(ProcessInfo {
                pid,
                parent: fields.get(1)?.parse().ok()?,
                group: fields.get(2)?.parse().ok()?,
                started_ticks: fields.get(19)?.parse().ok()?,
            })
        })
        .collect()
}

/// Whether `pid` was started in the sandbox at `root` with home `home`: its environment holds
/// `HOME=home`, or its working folder is inside the sandbox. False for a zombie (nothing readable).
pub fn started_in(pid: i32, root: &Path, home: &Path) -> bool {
    let entry = format!("HOME={}", home.display());
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    environ
        .split(|&byte| byte == 0)
        .any(|variable| variable == entry.as_bytes())
        || std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd.starts_with(root))
}

/// What one sweep looks for.
pub struct Sweep<'a> {
    /// The sandbox's folder and `HOME`.
    pub root: &'a Path,
    pub home: &'a Path,
    /// Only processes started at or after this tick count are candidates.
    pub since_ticks: u64,
    /// Process groups already killed: their members this process adopted are reaped.
    pub killed_groups: &'a [i32],
    /// Process groups left alone (running background processes).
    pub spare_groups: &'a [i32],
}

impl Sweep<'_> {
    /// SIGKILLs every candidate started in the sandbox outside the spared groups, then reaps what
    /// was re-parented here (the killed processes and adopted members of the killed groups). Repeats
    /// until nothing is left or `SWEEP_LIMIT` passes; returns how many processes it killed.
    pub fn run(&self) -> usize {
        let me = i32::try_from(std::process::id()).unwrap_or(0);
        let mut killed: Vec<i32> = Vec::new();
        let deadline = Instant::now() + SWEEP_LIMIT;
        loop {
            let mut waiting = false;
            for process in processes() {
                if process.pid == me || self.spare_groups.contains(&process.group) {
                    continue;
                }
                let ours_to_reap = process.parent == me
                    && (killed.contains(&process.pid)
                        || self.killed_groups.contains(&process.group));
                if ours_to_reap {
                    // SAFETY: as below; a signal to a zombie does nothing.
                    unsafe {
                        libc::kill(process.pid, libc::SIGKILL);
                    }
                    waiting |= !reap(process.pid);
                } else if process.started_ticks >= self.since_ticks
                    && started_in(process.pid, self.root, self.home)
                {
                    // SAFETY: kill(2) only sends a signal; the pid was just read from /proc.
                    unsafe {
                        libc::kill(process.pid, libc::SIGKILL);
                    }
                    if !killed.contains(&process.pid) {
                        killed.push(process.pid);
                    }
                    waiting = true;
                }
            }
            if !waiting || Instant::now() >= deadline {
                return killed.len();
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Reaps `pid` if it is an exited child of this process; true when it is gone or not ours to reap.
fn reap(pid: i32) -> bool {
    let mut status = 0;
    // SAFETY: waitpid(2) on one pid writes only the local status.
    let reaped = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    reaped != 0
}
