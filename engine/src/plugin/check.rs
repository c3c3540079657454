//! `ax plugin check`: validate the manifest, load `init.lua`, and call each declared hook once on
//! the sample workload. Input is a plugin folder; output is a report with one step per check.

use std::path::{Path, PathBuf};

use crate::plugin::error::PluginError;
use crate::plugin::host::PluginHost;
use crate::plugin::limits::PluginLimits;
use crate::plugin::manifest::HookKind;
use crate::plugin::sample::{SAMPLE_QUERY, sample_file, sample_hits, sample_symbols};

/// One check and its outcome: a short summary on success.
#[derive(Debug)]
pub struct CheckStep {
    pub name: String,
    pub outcome: Result<String, PluginError>,
}

#[derive(Debug)]
pub struct CheckReport {
    pub dir: PathBuf,
    pub steps: Vec<CheckStep>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|step| step.outcome.is_ok())
    }

    /// `ok   on_query: kept the query` / `FAIL load: ...`, one line per step.
    pub fn render(&self) -> String {
        let mut out = format!("checking {}\n", self.dir.display());
        for step in &self.steps {
            match &step.outcome {
                Ok(summary) => out.push_str(&format!("  ok   {}: {summary}\n", step.name)),
                Err(error) => out.push_str(&format!("  FAIL {}: {error}\n", step.name)),
            }
        }
        out.push_str(if self.passed() {
            "passed\n"
        } else {
            "failed\n"
        });
        out
    }
}

/// Runs every check; stops after the first step that later steps depend on fails.
pub fn check_plugin(dir: &Path, limits: PluginLimits) -> CheckReport {
    let mut report = CheckReport {
        dir: dir.to_path_buf(),
        steps: Vec::new(),
    };
    let mut host = PluginHost::new(limits);
    let plugin = match host.load_dir(dir) {
        Ok(plugin) => plugin,
        Err(error) => {
            let name = if matches!(error, PluginError::Manifest { .. }) {
                "manifest"
            } else {
                "load"
            };
            report.steps.push(CheckStep {
                name: name.to_string(),
                outcome: Err(error),
            });
            return report;
        }
    };
    let manifest = plugin.manifest().clone();
    report.steps.push(CheckStep {
        name: "manifest".to_string(),
        outcome: Ok(format!(
            "{} {} (hooks: {}; permissions: {})",
            manifest.name,
            manifest.version,
            list(manifest.hooks.iter().map(|hook| hook.as_str())),
            list(
                manifest
                    .permissions
                    .iter()
                    .map(|permission| permission.as_str())
            ),
        )),
    });
    report.steps.push(CheckStep {
        name: "load".to_string(),
        outcome: Ok("init.lua returned a table with every declared hook".to_string()),
    });
    let Some(plugin) = host.plugin(&manifest.name) else {
        return report;
    };

    for hook in &manifest.hooks {
        match hook {
            HookKind::OnIndex => report.steps.push(CheckStep {
                name: hook.to_string(),
                outcome: plugin
                    .on_index(&sample_file(), &sample_symbols())
                    .map(|added| format!("added {} symbol(s) to the sample file", added.len())),
            }),
            HookKind::OnQuery => report.steps.push(CheckStep {
                name: hook.to_string(),
                outcome: plugin.on_query(SAMPLE_QUERY).map(|rewrite| match rewrite {
                    Some(query) => format!("rewrote {SAMPLE_QUERY:?} to {query:?}"),
                    None => format!("kept {SAMPLE_QUERY:?}"),
                }),
            }),
            HookKind::OnResults => {
                let hits = sample_hits();
                report.steps.push(CheckStep {
                    name: hook.to_string(),
                    outcome: plugin.on_results(SAMPLE_QUERY, &hits).map(
                        |reranked| match reranked {
                            Some(reranked) => {
                                format!("returned {} of {} sample hits", reranked.len(), hits.len())
                            }
                            None => format!("kept the {} sample hits", hits.len()),
                        },
                    ),
                });
            }
            // Commands take user arguments and are not called here: a command is only listed.
            HookKind::Commands => report.steps.push(CheckStep {
                name: hook.to_string(),
                outcome: Ok(format!(
                    "defines: {}",
                    list(plugin.command_names().iter().map(String::as_str))
                )),
            }),
            HookKind::Lint => {
                for rule in plugin.lint_rule_names() {
                    report.steps.push(CheckStep {
                        name: format!("lint.{rule}"),
                        outcome: plugin.lint_file(&rule, &sample_file()).map(|findings| {
                            format!("{} finding(s) on the sample file", findings.len())
                        }),
                    });
                }
            }
        }
    }
    report
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
