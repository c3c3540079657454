//! Resource limits for one hook call: the configured numbers and the guard that enforces them.
//! The guard is fed by a Lua count hook and answers "continue" or "stop, this limit was hit, here".

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::plugin::error::{LimitKind, SourceLocation};

/// The limits `[plugins]` in `ax.toml` configures; each applies to every hook call of every plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginLimits {
    /// Lua heap of one plugin, code and data together.
    pub memory_limit_bytes: usize,
    /// VM instructions one hook call may run, coroutines included.
    pub instruction_budget: u64,
    /// Wall-clock time one hook call may take.
    pub timeout_ms: u64,
}

/// The same defaults as `[plugins]` in `ax.toml`.
impl Default for PluginLimits {
    fn default() -> Self {
        Self {
            memory_limit_bytes: 16 * 1024 * 1024,
            instruction_budget: 10_000_000,
            timeout_ms: 250,
        }
    }
}

/// How many VM instructions run between two checks of the guard. Small enough that a check lands
/// well within any budget, large enough that counting costs little.
pub const DEFAULT_CHECK_INTERVAL: u32 = 1_000;

/// Per-call accounting shared between the host and the Lua count hook.
#[derive(Debug)]
pub struct BudgetGuard {
    limits: PluginLimits,
    check_interval: u32,
    instructions: AtomicU64,
    call: Mutex<CallState>,
}

#[derive(Debug)]
struct CallState {
    started: Instant,
    /// Set once a limit is hit; later checks in the same call fail at once, so a plugin that
    /// catches the error with `pcall` cannot keep running.
    tripped: Option<LimitKind>,
    tripped_at: Option<SourceLocation>,
    /// Where the plugin was at the last check: the best location for a memory error, which Lua
    /// raises without running any more plugin code.
    last_seen: Option<SourceLocation>,
}

impl BudgetGuard {
    pub fn new(limits: PluginLimits, check_interval: u32) -> Self {
        Self {
            limits,
            check_interval: check_interval.max(1),
            instructions: AtomicU64::new(0),
            call: Mutex::new(CallState {
                started: Instant::now(),
                tripped: None,
                tripped_at: None,
                last_seen: None,
            }),
        }
    }

    pub fn limits(&self) -> PluginLimits {
        self.limits
    }

    pub fn check_interval(&self) -> u32 {
        self.check_interval
    }

    /// Starts a new call: counters to zero, clock restarted, no limit tripped.
    pub fn start_call(&self) {
        self.instructions.store(0, Ordering::Relaxed);
        let mut call = self.lock();
        call.started = Instant::now();
        call.tripped = None;
        call.tripped_at = None;
        call.last_seen = None;
    }

    /// Instructions counted so far in this call, to the precision of the check interval.
    pub fn instructions(&self) -> u64 {
        self.instructions.load(Ordering::Relaxed)
    }

    pub fn elapsed(&self) -> Duration {
        self.lock().started.elapsed()
    }

    /// Called from the count hook every `check_interval` instructions; `Some` means stop now.
    pub fn on_instructions(
        &self,
        location: impl FnOnce() -> Option<SourceLocation>,
    ) -> Option<LimitKind> {
        let counted = self
            .instructions
            .fetch_add(u64::from(self.check_interval), Ordering::Relaxed)
            + u64::from(self.check_interval);
        let seen = location();
        let mut call = self.lock();
        if seen.is_some() {
            call.last_seen = seen;
        }
        if let Some(kind) = call.tripped {
            return Some(kind);
        }
        let kind = if counted > self.limits.instruction_budget {
            LimitKind::InstructionBudget {
                budget: self.limits.instruction_budget,
            }
        } else if call.started.elapsed() > Duration::from_millis(self.limits.timeout_ms) {
            LimitKind::Timeout {
                timeout_ms: self.limits.timeout_ms,
            }
        } else {
            return None;
        };
        call.tripped = Some(kind);
        call.tripped_at = call.last_seen.clone();
        Some(kind)
    }

    /// For host functions that loop outside the VM, where the count hook never runs (pattern
    /// matching): whether the call must stop, checked against the clock only. A timeout found here
    /// trips the guard as the hook would, at `location` (else where the hook last saw the plugin).
    pub fn check_clock(
        &self,
        location: impl FnOnce() -> Option<SourceLocation>,
    ) -> Option<LimitKind> {
        let mut call = self.lock();
        if let Some(kind) = call.tripped {
            return Some(kind);
        }
        if call.started.elapsed() <= Duration::from_millis(self.limits.timeout_ms) {
            return None;
        }
        let kind = LimitKind::Timeout {
            timeout_ms: self.limits.timeout_ms,
        };
        call.tripped = Some(kind);
        call.tripped_at = location().or_else(|| call.last_seen.clone());
        Some(kind)
    }

    /// Records a memory error seen by the sandbox so that `pcall` cannot swallow it.
    pub fn trip_memory(&self) {
        let mut call = self.lock();
        call.tripped.get_or_insert(LimitKind::Memory {
            limit_bytes: self.limits.memory_limit_bytes,
        });
    }

    /// Where the plugin was at the last check of this call.
    pub fn last_seen(&self) -> Option<SourceLocation> {
        self.lock().last_seen.clone()
    }

    /// The limit hit in this call, if any, and where the plugin was when it was hit.
    pub fn tripped(&self) -> Option<(LimitKind, Option<SourceLocation>)> {
        let call = self.lock();
        call.tripped.map(|kind| (kind, call.tripped_at.clone()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CallState> {
        // A poisoned lock only means a panic elsewhere while holding plain data; the data is still valid.
        self.call
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_trips_once_counted_instructions_pass_the_budget() {
        let guard = BudgetGuard::new(
            PluginLimits {
                instruction_budget: 2_500,
                ..PluginLimits::default()
            },
            1_000,
        );
        guard.start_call();
        assert_eq!(guard.on_instructions(|| None), None);
        assert_eq!(guard.on_instructions(|| None), None);
        assert_eq!(
            guard.on_instructions(|| None),
            Some(LimitKind::InstructionBudget { budget: 2_500 })
        );
        guard.start_call();
        assert_eq!(guard.tripped(), None);
    }

    #[test]
    fn tripped_limit_stays_tripped_for_the_rest_of_the_call() {
        let guard = BudgetGuard::new(
            PluginLimits {
                timeout_ms: 0,
                ..PluginLimits::default()
            },
            1,
        );
        guard.start_call();
        std::thread::sleep(Duration::from_millis(2));
        let first = guard.on_instructions(|| None);
        assert_eq!(first, Some(LimitKind::Timeout { timeout_ms: 0 }));
        assert_eq!(guard.on_instructions(|| None), first);
    }
}
