//! Timing a perf sample: the exit status and CPU time (user plus system) of a command's whole
//! process tree from `wait4`, so a sample's off-CPU time (wall minus CPU) can be recorded; and the
//! priority boost a measured command runs with. Input: a child process; output: its status and a
//! duration. Nothing is read or killed here.

use std::time::Duration;

/// Wait for `child` (reaping it) and return its exit status and the CPU time, user plus system, of
/// it and of every descendant it waited for (`wait4`'s resource usage), so a sample's CPU time
/// covers the whole command, not only its `sh`.
pub fn wait_with_usage(
    child: &std::process::Child,
) -> std::io::Result<(std::process::ExitStatus, Duration)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4(2) writes only the two locals passed by pointer; `pid` is our child, and
        // nothing else waits for it (the `Child` is never waited on after this).
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    Ok((
        std::process::ExitStatus::from_raw(status),
        time(usage.ru_utime) + time(usage.ru_stime),
    ))
}

/// The priority perf samples run at: `Boosted` when this process may raise it (root, or
/// `CAP_SYS_NICE`), else `Normal`. The wall check only compares boosted samples (at normal priority
/// the machine's load decides how long a command waits); the report names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Boosted,
    #[default]
    Normal,
}

impl Priority {
    /// What `boost_priority` will achieve in a child of this process: `CAP_SYS_NICE` (bit 23 of
    /// the effective capabilities; root has it unless a container dropped it) is what both the
    /// autogroup write and a negative nice need.
    pub fn available() -> Priority {
        const CAP_SYS_NICE: u32 = 23;
        let capabilities = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status.lines().find_map(|line| {
                    let hex = line.strip_prefix("CapEff:")?.trim();
                    u64::from_str_radix(hex, 16).ok()
                })
            })
            .unwrap_or(0);
        if capabilities & (1 << CAP_SYS_NICE) != 0 {
            Priority::Boosted
        } else {
            Priority::Normal
        }
    }

    /// For the report: what the samples got, and what that means for the wall check.
    pub fn describe(self) -> &'static str {
        match self {
            Priority::Boosted => {
                "perf samples ran boosted (own session, autogroup and nice -20); wall check on"
            }
            Priority::Normal => {
                "perf samples ran at normal priority (the boost needs root or CAP_SYS_NICE): the wall check is not enforced, since load alone decides how long such samples wait"
            }
        }
    }
}

/// Called in a measured command's child between fork and exec, after `setsid`: raise the new
/// session's autogroup (Linux groups a session's processes, and shares the CPU between groups
/// before nice values count) and the process's nice value to -20, so a loaded machine delays the
/// sample as little as possible. Without the privilege (`CAP_SYS_NICE`) both writes fail and the
/// command runs at normal priority; nothing else changes. Async-signal-safe: no allocation.
pub fn boost_priority() {
    const AUTOGROUP: &[u8] = b"/proc/self/autogroup\0";
    const NICE: &[u8] = b"-20";
    // SAFETY: open/write/close/setpriority with a NUL-terminated constant path and a constant
    // buffer; every failure is ignored.
    unsafe {
        let fd = libc::open(AUTOGROUP.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, NICE.as_ptr().cast(), NICE.len());
            libc::close(fd);
        }
        libc::setpriority(libc::PRIO_PROCESS, 0, -20);
    }
}
