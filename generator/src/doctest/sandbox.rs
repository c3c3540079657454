//! A tutorial's sandbox: a temp folder with the fixtures copied in, HOME inside it, a clean
//! environment with the workspace's `ax` first on PATH, and commands run in their own process group
//! that is killed whole on timeout, with whatever left the group (`setsid`) found and killed too
//! (`reaper.rs`). Input: commands; output: their combined output and status.
//! The only part of the harness that starts processes.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::reaper;

/// What a command did.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandOutput {
    /// stdout and stderr, interleaved as the command wrote them.
    pub output: String,
    /// Exit status; `None` when it was killed (timeout or signal).
    pub status: Option<i32>,
    pub timed_out: bool,
    pub elapsed: Duration,
    /// CPU time (user + system) of the command's process and every descendant it waited for.
    pub cpu: Duration,
}

/// One tutorial's temporary world. Removed on drop.
pub struct Sandbox {
    dir: tempfile::TempDir,
    /// Where the next command runs (a `cd` step moves it, never outside the sandbox).
    cwd: PathBuf,
    path_var: String,
    pub timeout: Duration,
    /// Processes started by `$ command &`, stopped when the sandbox is dropped.
    backgrounds: Vec<Background>,
    /// When the sandbox was made, in clock ticks since boot: only later processes can be its own.
    created_ticks: u64,
}

/// A process a `$ command &` line started: it keeps running, in a process group of its own, while the
/// tutorial's later blocks run; what it prints goes to `log`.
struct Background {
    child: std::process::Child,
    log: PathBuf,
}

impl Sandbox {
    /// A new sandbox whose PATH starts with the folder of `ax_binary`.
    pub fn new(ax_binary: &Path, timeout: Duration) -> std::io::Result<Sandbox> {
        let ax_dir = ax_binary
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Sandbox::with_path(&[ax_dir], timeout)
    }

    /// A new sandbox whose PATH starts with `bin_dirs` (`[test] path`), then the system folders.
    pub fn with_path(bin_dirs: &[PathBuf], timeout: Duration) -> std::io::Result<Sandbox> {
        reaper::become_subreaper();
        let created_ticks = reaper::ticks_since_boot();
        let dir = tempfile::Builder::new().prefix("docgen-test-").tempdir()?;
        std::fs::create_dir_all(dir.path().join(".home"))?;
        std::fs::create_dir_all(dir.path().join(".tmp"))?;
        let mut path_var: Vec<String> = bin_dirs.iter().map(|d| d.display().to_string()).collect();
        path_var.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(String::from));
        let path_var = path_var.join(":");
        let cwd = dir.path().to_path_buf();
        Ok(Sandbox {
            dir,
            cwd,
            path_var,
            timeout,
            backgrounds: Vec::new(),
            created_ticks,
        })
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Copy `source` (a fixture folder) to `ROOT/NAME`.
    pub fn copy_fixture(&self, source: &Path, name: &str) -> std::io::Result<()> {
        copy_dir(source, &self.root().join(name))
    }

    /// Write a `file=` block's contents at a path relative to the sandbox root (checked by `extract`),
    /// wherever a `cd` has moved the working folder. Symlinked folders on the way are followed, and
    /// one that resolves outside the sandbox (a link an earlier command made) is refused; a symlink
    /// at the file itself (even a dangling one) is replaced by the file, never written through.
    pub fn write_file(&self, relative: &Path, contents: &str) -> std::io::Result<()> {
        let root = self.root().canonicalize()?;
        let mut dir = root.clone();
        let components: Vec<_> = relative.components().collect();
        let Some((file, parents)) = components.split_last() else {
            return Err(std::io::Error::other("empty path"));
        };
        for part in parents {
            dir = self.inside(&dir.join(part), relative)?;
            if !dir.exists() {
                std::fs::create_dir(&dir)?;
            }
        }
        let target = dir.join(file);
        if target.is_symlink() {
            // A link (even one pointing inside) is replaced by the file the tutorial shows.
            std::fs::remove_file(&target)?;
        }
        std::fs::write(target, contents)
    }

    /// `path` with symlinks resolved, or an error when it leads outside the sandbox. A path that does
    /// not exist yet is fine (its parent was checked); a dangling symlink is refused.
    fn inside(&self, path: &Path, shown: &Path) -> std::io::Result<PathBuf> {
        let root = self.root().canonicalize()?;
        let resolved = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
            Err(e) => return Err(e),
            Ok(_) => path.canonicalize().map_err(|_| {
                std::io::Error::other(format!(
                    "{} is a dangling symlink; refusing to write through it",
                    shown.display()
                ))
            })?,
        };
        if resolved.starts_with(&root) {
            Ok(resolved)
        } else {
            Err(std::io::Error::other(format!(
                "{} leads outside the sandbox (to {})",
                shown.display(),
                resolved.display()
            )))
        }
    }

    /// `cd DIR` as a whole command moves the working folder for later commands; `None` if it is not one.
    pub fn try_cd(&mut self, command: &str) -> Option<Result<(), String>> {
        let target = command.trim().strip_prefix("cd ")?.trim();
        // `cd dir && make` is a shell command; only a lone `cd DIR` moves later commands.
        if target.contains(|c: char| c.is_whitespace() || "&|;<>$`()'\"\\".contains(c)) {
            return None;
        }
        let next = if target == "~" || target.is_empty() {
            self.root().to_path_buf()
        } else {
            self.cwd.join(target)
        };
        Some(match next.canonicalize() {
            Ok(p)
                if p.starts_with(self.root().canonicalize().unwrap_or_default()) && p.is_dir() =>
            {
                self.cwd = p;
                Ok(())
            }
            Ok(_) => Err(format!("cd: {target}: outside the sandbox or not a folder")),
            Err(e) => Err(format!("cd: {target}: {e}")),
        })
    }

    /// Run `command` with `sh -c` in the sandbox; stderr goes to the same pipe as stdout.
    ///
    /// `elapsed` runs from just before the spawn to the moment `wait` returns: a blocking wait, not a
    /// poll, so a sample has no polling granularity. A watchdog thread kills the process group when
    /// the timeout passes first.
    pub fn run(&self, command: &str) -> std::io::Result<CommandOutput> {
        self.run_with(command, false)
    }

    /// `run` for a perf sample: the command runs in its own session at the highest priority the
    /// harness may give it (`timing::boost_priority`), so other work on the machine delays it as
    /// little as possible.
    pub fn run_measured(&self, command: &str) -> std::io::Result<CommandOutput> {
        self.run_with(command, true)
    }

    fn run_with(&self, command: &str, boost: bool) -> std::io::Result<CommandOutput> {
        let since_ticks = self.next_command_ticks();
        let mut shell = if boost {
            let mut shell = self.command_in_session("sh");
            shell
                .arg("-c")
                .arg(format!("exec 2>&1\n{command}"))
                .stderr(Stdio::null());
            shell
        } else {
            self.shell(command)
        };
        let started = Instant::now();
        let mut child = shell.stdout(Stdio::piped()).spawn()?;
        let mut stdout = child.stdout.take().expect("stdout was piped");
        let reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            bytes
        });
        let group = child.id();
        let watchdog = Watchdog::start(group, self.timeout);
        let waited = super::timing::wait_with_usage(&child);
        let elapsed = started.elapsed();
        let timed_out = watchdog.stop();
        let (status, cpu) = waited?;
        // Background children that kept the pipe open die with the group, so the reader ends.
        kill_process_group(group);
        // What left the group (`setsid`) is found by its sandbox and killed too; one that holds the
        // pipe would otherwise keep the reader waiting until it exits.
        self.kill_escaped(since_ticks, &[group]);
        let bytes = reader.join().unwrap_or_default();
        Ok(CommandOutput {
            output: String::from_utf8_lossy(&bytes).into_owned(),
            status: status.code(),
            timed_out,
            elapsed,
            cpu,
        })
    }

    /// Instructions executed (user space) by `command` and every process it starts, counted by
    /// valgrind's callgrind: a deterministic count that machine load does not change.
    /// `Ok(Err(why))` when the count cannot be taken (valgrind missing, command failed). A profile
    /// left without its summary is counted once more before it is an error: one run in about 20
    /// full gate runs (a `sh -c 'ax lint || true'` claim, unchanged tree) wrote one, and a count
    /// from a second complete run is as exact as the first.
    pub fn count_instructions(&self, command: &str) -> std::io::Result<Result<u64, String>> {
        match self.count_instructions_once(command)? {
            Err(why) if why.contains(NO_SUMMARY) => self.count_instructions_once(command),
            other => Ok(other),
        }
    }

    fn count_instructions_once(&self, command: &str) -> std::io::Result<Result<u64, String>> {
        let out_dir = tempfile::Builder::new().prefix("docgen-cost-").tempdir()?;
        let pattern = out_dir.path().join("callgrind.%p");
        let mut valgrind = self.command("valgrind");
        valgrind
            .arg("--tool=callgrind")
            .arg("--trace-children=yes")
            .arg("--quiet")
            .arg(format!("--callgrind-out-file={}", pattern.display()))
            .arg("sh")
            .arg("-c")
            .arg(command)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // valgrind is looked up on the usual system PATH, the sandbox's PATH starts with `ax`'s folder.
        let output = match valgrind.output() {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Err(
                    "valgrind is not installed (apt-get install valgrind)".into()
                ));
            }
            Err(e) => return Err(e),
        };
        if !output.status.success() {
            return Ok(Err(format!(
                "`{command}` under valgrind exited with {:?}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let mut total = 0u64;
        for entry in std::fs::read_dir(out_dir.path())?.flatten() {
            let text = std::fs::read_to_string(entry.path())?;
            // A process whose profile has no summary did not finish writing it (killed, disk
            // full): leaving it out would report a fraction of the work as the command's cost.
            let Some(count) = callgrind_summary(&text) else {
                return Ok(Err(format!(
                    "callgrind's profile {} of `{command}` has {NO_SUMMARY} (a process of the command did not finish writing it, twice)",
                    entry.file_name().to_string_lossy()
                )));
            };
            total += count;
        }
        Ok(if total == 0 {
            Err("callgrind wrote no instruction count".into())
        } else {
            Ok(total)
        })
    }

    /// The tick from which a process counts as started by the command about to run (and is killed
    /// with it if it leaves its group). `/proc` gives start times in 10 ms ticks, so a process a
    /// running background step started in this very tick would look like the command's: with
    /// background steps running, wait for the next tick and count from it. Without them nothing
    /// else can start a process in the sandbox, and the command starts at once.
    fn next_command_ticks(&self) -> u64 {
        let now = reaper::ticks_since_boot();
        if self.backgrounds.is_empty() || now == 0 {
            return now;
        }
        loop {
            std::thread::sleep(Duration::from_millis(1));
            let next = reaper::ticks_since_boot();
            if next > now {
                return next;
            }
        }
    }

    /// Start `command` in the background with `sh -c`, in its own process group, its stdout and stderr
    /// going to `$TMPDIR/background-N.log`; returns N (1 for the tutorial's first).
    pub fn spawn_background(&mut self, command: &str) -> std::io::Result<usize> {
        let number = self.backgrounds.len() + 1;
        let log = background_log(self.root(), number);
        let file = std::fs::File::create(&log)?;
        let child = self.shell(command).stdout(file).spawn()?;
        self.backgrounds.push(Background { child, log });
        Ok(number)
    }

    /// What background process `number` printed so far, and its exit status once it has exited
    /// (`Some(None)` when a signal ended it).
    pub fn background_output(
        &mut self,
        number: usize,
    ) -> std::io::Result<(String, Option<Option<i32>>)> {
        let background = self
            .backgrounds
            .get_mut(number.wrapping_sub(1))
            .ok_or_else(|| std::io::Error::other(format!("no background process {number}")))?;
        let exited = background.child.try_wait()?.map(|status| status.code());
        let bytes = std::fs::read(&background.log)?;
        Ok((String::from_utf8_lossy(&bytes).into_owned(), exited))
    }

    /// Stop every background process: SIGKILL its whole group, then reap it, so none outlives the
    /// tutorial. Runs when the sandbox is dropped, and on a readiness timeout.
    pub fn stop_backgrounds(&mut self) {
        let mut groups = Vec::new();
        for mut background in self.backgrounds.drain(..) {
            kill_process_group(background.child.id());
            let _ = background.child.wait();
            groups.push(background.child.id());
        }
        self.kill_escaped(self.created_ticks, &groups);
    }

    /// Kill and reap the processes started in this sandbox since `since_ticks` that are outside the
    /// groups of its running background processes, and reap what this process adopted from the
    /// groups in `killed` (see `reaper.rs`).
    fn kill_escaped(&self, since_ticks: u64, killed: &[u32]) {
        let group = |pid: u32| i32::try_from(pid).ok();
        let spare: Vec<i32> = self
            .backgrounds
            .iter()
            .filter_map(|background| group(background.child.id()))
            .collect();
        let killed: Vec<i32> = killed.iter().copied().filter_map(group).collect();
        reaper::Sweep {
            root: self.root(),
            home: &self.root().join(".home"),
            since_ticks,
            killed_groups: &killed,
            spare_groups: &spare,
        }
        .run();
    }

    /// `sh -c command` with its stderr sent where the caller sends its stdout, so the two interleave as
    /// written.
    fn shell(&self, command: &str) -> Command {
        let mut shell = self.command("sh");
        shell
            .arg("-c")
            .arg(format!("exec 2>&1\n{command}"))
            .stderr(Stdio::null());
        shell
    }

    /// A `Command` with the sandbox's clean environment and its own process group.
    pub fn command(&self, program: &str) -> Command {
        let mut command = self.clean_command(program);
        command.process_group(0);
        command
    }

    /// `command`, but in a new session (so also its own process group, whose id is its pid) with
    /// the boosted priority of `timing::boost_priority`.
    fn command_in_session(&self, program: &str) -> Command {
        let mut command = self.clean_command(program);
        // SAFETY: the closure runs between fork and exec and calls only async-signal-safe
        // functions (setsid, open, write, close, setpriority); it allocates nothing.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                super::timing::boost_priority();
                Ok(())
            });
        }
        command
    }

    fn clean_command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.cwd)
            .env_clear()
            .env("PATH", &self.path_var)
            .env("HOME", self.root().join(".home"))
            .env("TMPDIR", self.root().join(".tmp"))
            .env("LANG", "C.UTF-8")
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .stdin(Stdio::null());
        command
    }
}

/// What the error of a callgrind profile without its summary says.
const NO_SUMMARY: &str = "no instruction summary";

/// The `summary: N` (instructions) of a callgrind profile.
fn callgrind_summary(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .and_then(|n| n.trim().split(' ').next()?.parse::<u64>().ok())
}

/// `PATH` as a path inside the sandbox, or `None` when it is absolute or climbs out with `..`.
pub fn sandbox_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    (!path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir)))
    .then(|| p.to_path_buf())
}

/// `[test] build`: run once with `sh -c` in the site root, with the caller's environment, before any
/// tutorial. `Err` carries the exit status and the output's tail.
pub fn run_build_command(root: &Path, command: &str) -> Result<(), String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `sh`: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let tail: Vec<&str> = text.lines().rev().take(20).collect();
    Err(format!(
        "`{command}` exited with {:?}:\n{}",
        output.status.code(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

/// The commit the site root is checked out at (`git rev-parse --short=12 HEAD`), if it is a git
/// work tree; recorded in the perf baseline.
pub fn current_commit(root: &Path) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--short=12", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Before the folder goes: a background process may still be writing into it.
        self.stop_backgrounds();
    }
}

/// Where background process `number` writes: `$TMPDIR/background-N.log`, which later commands read.
pub fn background_log(root: &Path, number: usize) -> PathBuf {
    root.join(".tmp").join(format!("background-{number}.log"))
}

/// SIGKILL every process in the group led by `pid` (the shell and anything it started).
/// What `output_within` gives: the process's output, and whether its time ran out (its process
/// group was then killed).
pub struct BoundedOutput {
    pub output: std::process::Output,
    pub timed_out: bool,
}

/// Run `command` in a process group of its own with piped stdout and stderr, killing the group if it
/// has not exited after `timeout` (a rust block's binary: it runs outside a sandbox shell, but must not
/// hang the run).
pub fn output_within(command: &mut Command, timeout: Duration) -> std::io::Result<BoundedOutput> {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let watchdog = Watchdog::start(child.id(), timeout);
    let output = child.wait_with_output();
    let timed_out = watchdog.stop();
    Ok(BoundedOutput {
        output: output?,
        timed_out,
    })
}

/// A thread that kills a process group unless stopped within its timeout.
struct Watchdog {
    finished: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<bool>,
}

impl Watchdog {
    fn start(group: u32, timeout: Duration) -> Watchdog {
        let (finished, finished_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let expired = matches!(
                finished_rx.recv_timeout(timeout),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout)
            );
            if expired {
                kill_process_group(group);
            }
            expired
        });
        Watchdog { finished, thread }
    }

    /// Stop watching (the process has exited); whether the timeout had passed and the group was killed.
    fn stop(self) -> bool {
        let _ = self.finished.send(());
        self.thread.join().unwrap_or(false)
    }
}

fn kill_process_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) with a negative pid only sends a signal to that process group; no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let target = to.join(entry.path().strip_prefix(from).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if entry.file_type().is_symlink() {
            // Copied as the link it is (as `cp -a` does): following it would copy whatever it points
            // at, possibly from outside the fixture, or fail on a linked folder.
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox(timeout_ms: u64) -> Sandbox {
        Sandbox::new(
            Path::new("/nonexistent/ax"),
            Duration::from_millis(timeout_ms),
        )
        .unwrap()
    }

    #[test]
    fn output_interleaves_stdout_and_stderr() {
        let out = sandbox(5000).run("echo one; echo two >&2; exit 3").unwrap();
        assert_eq!((out.output.as_str(), out.status), ("one\ntwo\n", Some(3)));
    }

    #[test]
    fn environment_is_clean_with_home_inside() {
        let s = sandbox(5000);
        let out = s.run("echo $HOME; echo ${CARGO:-unset}").unwrap();
        assert_eq!(
            out.output,
            format!("{}\nunset\n", s.root().join(".home").display())
        );
    }

    /// A sandbox whose `valgrind` (first on its `PATH`, in `ax`'s folder) writes a callgrind profile
    /// without its summary for its first `incomplete` runs, then a complete one of 1,234
    /// instructions; returns the sandbox and the file counting its runs.
    fn sandbox_with_flaky_callgrind(tools: &Path, incomplete: u32) -> (Sandbox, PathBuf) {
        use std::os::unix::fs::PermissionsExt;
        let runs = tools.join("runs");
        let script = format!(
            "#!/bin/sh\nfor a; do case $a in --callgrind-out-file=*) out=${{a#--callgrind-out-file=}};; esac; done\nn=$(($(cat {runs} 2>/dev/null || echo 0) + 1)); echo $n > {runs}\nif [ $n -le {incomplete} ]; then printf 'events: Ir\\n' > \"$(dirname \"$out\")/callgrind.1\"; else printf 'events: Ir\\nsummary: 1234\\n' > \"$(dirname \"$out\")/callgrind.1\"; fi\n",
            runs = runs.display()
        );
        let valgrind = tools.join("valgrind");
        std::fs::write(&valgrind, script).unwrap();
        std::fs::set_permissions(&valgrind, std::fs::Permissions::from_mode(0o755)).unwrap();
        let sandbox = Sandbox::new(&tools.join("ax"), Duration::from_secs(5)).unwrap();
        (sandbox, runs)
    }

    #[test]
    fn a_profile_without_summary_is_counted_once_more_then_is_an_error() {
        let tools = tempfile::tempdir().unwrap();
        let (once, runs) = sandbox_with_flaky_callgrind(tools.path(), 1);
        assert_eq!(once.count_instructions("true").unwrap(), Ok(1234));
        assert_eq!(std::fs::read_to_string(&runs).unwrap().trim(), "2");

        let tools = tempfile::tempdir().unwrap();
        let (twice, runs) = sandbox_with_flaky_callgrind(tools.path(), 2);
        let why = twice.count_instructions("true").unwrap().unwrap_err();
        assert!(why.contains("has no instruction summary"), "{why}");
        assert_eq!(std::fs::read_to_string(&runs).unwrap().trim(), "2");
    }

    /// The ids of the processes whose command line contains `marker` (`pgrep -f`), one per line.
    fn processes_running(marker: &str) -> String {
        let found = Command::new("pgrep").args(["-f", marker]).output().unwrap();
        String::from_utf8_lossy(&found.stdout).into_owned()
    }

    #[test]
    fn timeout_kills_the_whole_process_group_of_a_plain_and_a_measured_command() {
        type Runner = fn(&Sandbox, &str) -> std::io::Result<CommandOutput>;
        let runners: [(&str, Runner); 2] =
            [("plain", Sandbox::run), ("measured", Sandbox::run_measured)];
        for (how, run) in runners {
            let marker = format!("docgen-{how}-orphan-{}", std::process::id());
            let out = run(
                &sandbox(300),
                &format!("sh -c 'sleep 30; echo {marker}' & sleep 30"),
            )
            .unwrap();
            assert!(out.timed_out && out.status.is_none(), "{how}: {out:?}");
            std::thread::sleep(Duration::from_millis(100));
            let survivors = processes_running(&marker);
            assert!(survivors.is_empty(), "{how}: orphans left: {survivors}");
        }
    }

    #[test]
    fn a_measured_command_leads_its_own_session_and_its_cpu_time_is_counted() {
        let s = sandbox(5000);
        // Field 6 of /proc/PID/stat is the session id: the measured `sh` leads a new session.
        let out = s
            .run_measured("awk '{print ($6 == $1)}' /proc/$$/stat")
            .unwrap();
        assert_eq!((out.output.as_str(), out.status), ("1\n", Some(0)));
        let plain = s.run("awk '{print ($6 == $1)}' /proc/$$/stat").unwrap();
        assert_eq!(plain.output, "0\n");
        // CPU time covers the grandchild `awk`'s busy loop, not only `sh`.
        let busy = s
            .run_measured("awk 'BEGIN { for (i = 0; i < 3000000; i++) x += i }'")
            .unwrap();
        assert!(busy.cpu >= Duration::from_millis(20), "{:?}", busy.cpu);
        assert!(busy.cpu <= busy.elapsed * 2, "{busy:?}");
    }

    #[test]
    fn a_background_process_runs_between_commands_and_its_output_is_readable() {
        let mut s = sandbox(5000);
        assert_eq!(s.spawn_background("echo ready; sleep 30").unwrap(), 1);
        let deadline = Instant::now() + Duration::from_secs(5);
        while s.background_output(1).unwrap().0.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            s.background_output(1).unwrap(),
            ("ready\n".to_owned(), None)
        );
        let out = s.run("cat \"$TMPDIR/background-1.log\"").unwrap();
        assert_eq!(
            out.output, "ready\n",
            "a later command reads what it printed so far"
        );
    }

    #[test]
    fn dropping_the_sandbox_kills_background_processes_with_their_children() {
        let marker = format!("docgen-background-orphan-{}", std::process::id());
        let mut s = sandbox(5000);
        s.spawn_background(&format!("sh -c 'sleep 30; echo {marker}' & sleep 30"))
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !processes_running(&marker).is_empty(),
            "the child runs while the sandbox lives"
        );
        drop(s);
        std::thread::sleep(Duration::from_millis(100));
        let survivors = processes_running(&marker);
        assert!(survivors.is_empty(), "orphans left: {survivors}");
    }

    #[test]
    fn cd_moves_within_the_sandbox_only() {
        let mut s = sandbox(5000);
        std::fs::create_dir(s.root().join("proj")).unwrap();
        assert_eq!(s.try_cd("cd proj"), Some(Ok(())));
        assert!(s.run("pwd").unwrap().output.trim_end().ends_with("/proj"));
        assert!(matches!(s.try_cd("cd ../../.."), Some(Err(_))));
        assert_eq!(s.try_cd("ls"), None);
    }

    #[test]
    fn cd_through_a_symlink_out_of_the_sandbox_is_refused() {
        let mut s = sandbox(5000);
        s.run("ln -s / escape && mkdir inner && ln -s inner ok")
            .unwrap();
        assert!(matches!(s.try_cd("cd escape"), Some(Err(e)) if e.contains("outside")));
        assert_eq!(s.try_cd("cd ok"), Some(Ok(())));
        assert!(s.cwd().ends_with("inner"), "{}", s.cwd().display());
        // A compound command is the shell's business, not a directory change.
        assert_eq!(s.try_cd("cd inner && ls"), None);
    }

    #[test]
    fn file_writes_follow_symlinks_but_stay_inside() {
        let outside = tempfile::tempdir().unwrap();
        let s = sandbox(5000);
        std::os::unix::fs::symlink(outside.path(), s.root().join("link")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", s.root().join("dangling")).unwrap();
        let err = s.write_file(Path::new("link/evil.toml"), "x").unwrap_err();
        assert!(err.to_string().contains("outside the sandbox"), "{err}");
        assert!(!outside.path().join("evil.toml").exists());
        s.write_file(Path::new("dangling"), "x").unwrap();
        assert!(!Path::new("/nonexistent/x").exists());
        assert!(!s.root().join("dangling").is_symlink());
        std::os::unix::fs::symlink("/nonexistent", s.root().join("dangling-dir")).unwrap();
        assert!(s.write_file(Path::new("dangling-dir/x"), "x").is_err());
        std::fs::create_dir(s.root().join("real")).unwrap();
        std::os::unix::fs::symlink("real", s.root().join("alias")).unwrap();
        s.write_file(Path::new("alias/a/b.txt"), "ok").unwrap();
        assert_eq!(
            std::fs::read_to_string(s.root().join("real/a/b.txt")).unwrap(),
            "ok"
        );
    }

    #[test]
    fn file_blocks_cannot_write_through_a_symlink_out_of_the_sandbox() {
        let outside = tempfile::tempdir().unwrap();
        let s = sandbox(5000);
        std::os::unix::fs::symlink(outside.path(), s.root().join("escape")).unwrap();
        let error = s.write_file(Path::new("escape/evil.txt"), "x").unwrap_err();
        assert!(error.to_string().contains("outside the sandbox"), "{error}");
        assert!(!outside.path().join("evil.txt").exists());
        // A link to a file outside is replaced by the file, not written through.
        let target = outside.path().join("target.txt");
        std::fs::write(&target, "outside").unwrap();
        std::os::unix::fs::symlink(&target, s.root().join("link.txt")).unwrap();
        s.write_file(Path::new("link.txt"), "inside").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "outside");
        assert_eq!(
            std::fs::read_to_string(s.root().join("link.txt")).unwrap(),
            "inside"
        );
    }

    #[test]
    fn fixture_symlinks_are_copied_as_links() {
        let fixture = tempfile::tempdir().unwrap();
        std::fs::create_dir(fixture.path().join("dir")).unwrap();
        std::fs::write(fixture.path().join("dir/a.txt"), "a").unwrap();
        std::os::unix::fs::symlink("dir", fixture.path().join("linked-dir")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", fixture.path().join("host")).unwrap();
        let s = sandbox(5000);
        s.copy_fixture(fixture.path(), "fx").unwrap();
        let copied = s.root().join("fx");
        assert_eq!(
            std::fs::read_link(copied.join("linked-dir")).unwrap(),
            Path::new("dir")
        );
        assert!(
            copied.join("host").is_symlink(),
            "not a copy of /etc/hostname"
        );
    }

    #[test]
    fn the_parent_environment_does_not_leak() {
        let s = sandbox(5000);
        // Whatever the test process has (HOME, PATH, CARGO_*...), the sandbox sees only its own.
        let out = s.run("env | sort").unwrap();
        let names: Vec<&str> = out
            .output
            .lines()
            .filter_map(|l| l.split('=').next())
            .collect();
        for name in &names {
            assert!(
                [
                    "HOME", "LANG", "NO_COLOR", "OLDPWD", "PATH", "PWD", "SHLVL", "TERM", "TMPDIR",
                    "_"
                ]
                .contains(name),
                "unexpected variable {name} in {}",
                out.output
            );
        }
    }

    #[test]
    fn sandbox_folder_is_removed_on_drop() {
        let s = sandbox(5000);
        let root = s.root().to_path_buf();
        drop(s);
        assert!(!root.exists());
    }

    /// Live processes running `sleep SECONDS` (zombies have no command line).
    fn sleeping(seconds: &str) -> Vec<i32> {
        let wanted = format!("sleep\0{seconds}\0");
        reaper::processes()
            .into_iter()
            .filter(|p| {
                std::fs::read(format!("/proc/{}/cmdline", p.pid)).unwrap_or_default()
                    == wanted.as_bytes()
            })
            .map(|p| p.pid)
            .collect()
    }

    fn wait_for(what: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !what() {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    #[test]
    fn a_process_that_calls_setsid_is_killed_with_its_command() {
        let s = sandbox(5000);
        let out = s
            .run("setsid sleep 3141 > /dev/null 2>&1 & sleep 0.2; echo started")
            .unwrap();
        assert_eq!(out.output, "started\n");
        assert_eq!(
            sleeping("3141"),
            Vec::<i32>::new(),
            "the setsid sleep is left"
        );
    }

    #[test]
    fn a_setsid_process_holding_the_output_pipe_does_not_hang_the_run() {
        let s = sandbox(300);
        let started = Instant::now();
        // Not the last command, so `sh` forks and waits: `setsid` then starts a new session and
        // `sleep` keeps the output pipe; the timeout kills only the shell's group.
        let out = s.run("setsid sleep 3142; echo never").unwrap();
        assert!(out.timed_out, "{out:?}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run waited for the escaped sleep: {:?}",
            started.elapsed()
        );
        assert_eq!(
            sleeping("3142"),
            Vec::<i32>::new(),
            "the setsid sleep is left"
        );
    }

    #[test]
    fn a_background_that_calls_setsid_keeps_running_until_the_sandbox_is_dropped() {
        let mut s = sandbox(5000);
        // As the last command `sh` execs `setsid`, a group leader, which forks: the sleep is
        // re-parented to this process, in a session of its own.
        s.spawn_background("setsid sleep 3143").unwrap();
        assert!(wait_for(|| sleeping("3143").len() == 1), "it never started");
        let out = s.run("echo later").unwrap();
        assert_eq!(out.output, "later\n");
        assert_eq!(
            sleeping("3143").len(),
            1,
            "a later command killed the background's process"
        );
        drop(s);
        assert_eq!(
            sleeping("3143"),
            Vec::<i32>::new(),
            "the setsid sleep outlived the sandbox"
        );
    }
}
