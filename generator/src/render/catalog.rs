//! The plugin catalog's views and metadata: what a plugin page and the catalog index show (install
//! lines, hooks and permissions in plain words, the tutorial that tests it and its verdict, the
//! changelog) and their JSON-LD (`SoftwareApplication` + `BreadcrumbList`, `ItemList` for the index).
//! Input: the `CatalogPlugin`s `load` read; output: serialisable views and JSON-LD strings.

use super::seo::{breadcrumb_list, script_safe_json};
use super::views::LinkView;
use crate::config::Config;
use crate::html::permalink;
use crate::model::CatalogPlugin;
use serde::Serialize;
use serde_json::json;

/// A hook as the catalog shows it: its name and what it lets the plugin do.
#[derive(Debug, Clone, Serialize)]
pub struct HookView {
    pub name: String,
    pub meaning: String,
}

/// A tutorial that tests the plugin and what the last `docgen test` said.
#[derive(Debug, Clone, Serialize)]
pub struct TutorialStatusView {
    pub title: String,
    pub url: String,
    /// `passing`, `failing` or `untested` (no verdict in `.docgen/last-test.json`).
    pub status: String,
    pub last_passed: Option<String>,
}

/// One changelog entry with its notes rendered.
#[derive(Debug, Clone, Serialize)]
pub struct ChangelogView {
    pub version: String,
    pub date: Option<String>,
    pub notes_html: String,
}

/// Everything a plugin page or a catalog card shows about a plugin.
#[derive(Debug, Clone, Serialize)]
pub struct PluginView {
    pub name: String,
    pub description: String,
    pub url: String,
    pub version: String,
    pub ax_versions: String,
    pub license: Option<String>,
    pub authors: Vec<String>,
    /// The `ax.toml` lines that enable it once its folder is in `plugins/`.
    pub install: String,
    pub hooks: Vec<HookView>,
    /// Hook names separated by spaces, for the catalog filter's `data-hooks`.
    pub hook_names: String,
    /// Permission names separated by spaces (`none` without any), for `data-permissions`.
    pub permission_names: String,
    /// What the plugin may do, in plain words (always at least one sentence).
    pub permissions: Vec<String>,
    pub tutorials: Vec<TutorialStatusView>,
    /// `passing` when every tutorial that tests it passed, `failing` when one failed, else `untested`.
    pub status: String,
    pub changelog: Vec<ChangelogView>,
    pub source_url: Option<String>,
}

/// The catalog index: every plugin, and the values its filters offer.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogView {
    pub plugins: Vec<PluginView>,
    pub hooks: Vec<String>,
    pub permissions: Vec<String>,
}

/// The hooks in the order the reference documents them, with what each lets a plugin do.
const HOOK_MEANINGS: &[(&str, &str)] = &[
    ("on_index", "adds symbols while ax index runs"),
    ("on_query", "rewrites the query before ax find searches"),
    (
        "on_results",
        "reorders, rescores or filters ax find results",
    ),
    ("commands", "adds commands you run with ax run"),
    ("lint", "adds rules that ax lint reports"),
];

fn hook_meaning(hook: &str) -> String {
    HOOK_MEANINGS
        .iter()
        .find(|(name, _)| *name == hook)
        .map_or_else(
            || "an unknown hook".to_owned(),
            |(_, meaning)| (*meaning).to_owned(),
        )
}

fn permission_meaning(permission: &str) -> String {
    match permission {
        "index.read" => {
            "Reads your project's index (symbol names, kinds, paths, lines, signatures and \
                         doc comments); it cannot change the index."
                .to_owned()
        }
        other => format!("{other}: a permission this site does not describe."),
    }
}

/// Inline markdown of a changelog entry as HTML (its notes are short lists and sentences).
fn markdown_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new(markdown);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// The view of one plugin. `source_base` is the repository's tree URL the plugin folders live under.
pub fn plugin_view(plugin: &CatalogPlugin, source_base: Option<&str>) -> PluginView {
    let tutorials: Vec<TutorialStatusView> = plugin
        .tutorials
        .iter()
        .map(|tutorial| TutorialStatusView {
            title: tutorial.title.clone(),
            url: tutorial.url.clone(),
            status: match &tutorial.verdict {
                Some(verdict) if verdict.passed => "passing",
                Some(_) => "failing",
                None => "untested",
            }
            .to_owned(),
            last_passed: tutorial
                .verdict
                .as_ref()
                .and_then(|v| v.last_passed.clone()),
        })
        .collect();
    let status = if tutorials.iter().any(|t| t.status == "failing") {
        "failing"
    } else if !tutorials.is_empty() && tutorials.iter().all(|t| t.status == "passing") {
        "passing"
    } else {
        "untested"
    };
    let permissions = if plugin.permissions.is_empty() {
        vec!["None: it sees only what its hooks are given, and cannot read files, the network or the index.".to_owned()]
    } else {
        plugin
            .permissions
            .iter()
            .map(|p| permission_meaning(p))
            .collect()
    };
    PluginView {
        name: plugin.name.clone(),
        description: plugin.description.clone(),
        url: plugin.page_url.clone(),
        version: plugin.version.clone(),
        ax_versions: plugin.ax_versions.clone(),
        license: plugin.license.clone(),
        authors: plugin.authors.clone(),
        install: format!("[plugins]\npaths = [\"plugins/{}\"]", plugin.name),
        hooks: plugin
            .hooks
            .iter()
            .map(|hook| HookView {
                name: hook.clone(),
                meaning: hook_meaning(hook),
            })
            .collect(),
        hook_names: plugin.hooks.join(" "),
        permission_names: if plugin.permissions.is_empty() {
            "none".to_owned()
        } else {
            plugin.permissions.join(" ")
        },
        permissions,
        tutorials,
        status: status.to_owned(),
        changelog: plugin
            .changelog
            .iter()
            .map(|entry| ChangelogView {
                version: entry.version.clone(),
                date: entry.date.clone(),
                notes_html: markdown_html(&entry.notes),
            })
            .collect(),
        source_url: source_base
            .map(|base| format!("{}/{}", base.trim_end_matches('/'), plugin.dir.display())),
    }
}

/// The catalog index's view: every plugin plus the filter values (hooks in reference order).
pub fn catalog_view(plugins: &[CatalogPlugin], source_base: Option<&str>) -> CatalogView {
    let views: Vec<PluginView> = plugins
        .iter()
        .map(|p| plugin_view(p, source_base))
        .collect();
    let hooks = HOOK_MEANINGS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .filter(|hook| plugins.iter().any(|p| p.hooks.contains(hook)))
        .collect();
    let mut permissions: Vec<String> = vec!["none".to_owned()];
    for plugin in plugins {
        for permission in &plugin.permissions {
            if !permissions.contains(permission) {
                permissions.push(permission.clone());
            }
        }
    }
    CatalogView {
        plugins: views,
        hooks,
        permissions,
    }
}

/// Where plugin folders can be browsed: `repo_url` is an "edit" URL (`.../edit/BRANCH`); the same
/// repository's tree view is `.../tree/BRANCH`.
pub fn source_base(config: &Config) -> Option<String> {
    config
        .repo_url
        .as_ref()
        .map(|url| url.replacen("/edit/", "/tree/", 1))
}

/// JSON-LD of a plugin page: a `SoftwareApplication` (free, runs inside ax) and its `BreadcrumbList`.
/// `image` is the absolute URL of its social card, if it has one.
pub fn plugin_json_ld(
    config: &Config,
    plugin: &PluginView,
    breadcrumbs: &[LinkView],
    image: Option<&str>,
) -> String {
    let mut application = json!({
        "@type": "SoftwareApplication",
        "name": plugin.name,
        "description": plugin.description,
        "url": permalink(config, &plugin.url),
        "softwareVersion": plugin.version,
        "applicationCategory": "DeveloperApplication",
        "applicationSubCategory": "ax plugin",
        "operatingSystem": "Linux, macOS, Windows (runs inside ax)",
        "softwareRequirements": format!("ax {}", plugin.ax_versions),
        "isAccessibleForFree": true,
        "offers": { "@type": "Offer", "price": "0", "priceCurrency": "USD" },
        "inLanguage": config.language,
    });
    if let Some(license) = &plugin.license {
        application["license"] = json!(license);
    }
    if let Some(source) = &plugin.source_url {
        application["downloadUrl"] = json!(source);
    }
    if let Some(image) = image {
        application["image"] = json!(image);
    }
    if !plugin.authors.is_empty() {
        application["author"] = plugin
            .authors
            .iter()
            .map(|name| json!({ "@type": "Person", "name": name }))
            .collect();
    }
    script_safe_json(
        &json!({
            "@context": "https://schema.org",
            "@graph": [application, breadcrumb_list(config, breadcrumbs)],
        })
        .to_string(),
    )
}

/// JSON-LD of the catalog index: an `ItemList` of the plugin pages and its `BreadcrumbList`.
pub fn catalog_json_ld(
    config: &Config,
    catalog: &CatalogView,
    url: &str,
    breadcrumbs: &[LinkView],
) -> String {
    let items: Vec<_> = catalog
        .plugins
        .iter()
        .enumerate()
        .map(|(i, p)| json!({ "@type": "ListItem", "position": i + 1, "name": p.name, "url": permalink(config, &p.url) }))
        .collect();
    script_safe_json(&json!({
        "@context": "https://schema.org",
        "@graph": [
            { "@type": "ItemList", "name": "ax plugin catalog", "url": permalink(config, url), "itemListElement": items },
            breadcrumb_list(config, breadcrumbs),
        ],
    }).to_string())
}
