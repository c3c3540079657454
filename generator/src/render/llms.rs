//! Files for LLM tools: `llms.txt` (the site's title, description and every page with its title and
//! description, by section, in reading order) and a plain-markdown copy of every page at `PAGE/index.md`.
//! Input: config, the site tree and the parsed pages (for the descriptions); output: `OutputFile`s,
//! byte-identical for identical input, for `write` to write like every other file.

use crate::config::Config;
use crate::html::permalink;
use crate::model::{OutputFile, ParsedPage, SiteTree, SourcePage};

/// Site path of the markdown copy of a page at `url` (`/guide/intro/` → `guide/intro/index.md`).
pub fn markdown_copy_path(url: &str) -> String {
    format!("{}index.md", url.trim_start_matches('/'))
}

/// `llms.txt` plus one markdown copy per page.
pub fn llms_files(config: &Config, tree: &SiteTree, parsed: &[ParsedPage]) -> Vec<OutputFile> {
    let mut summaries: Vec<&str> = vec![""; tree.pages.len()];
    for page in parsed {
        if let Some(slot) = summaries.get_mut(page.page) {
            *slot = &page.summary;
        }
    }
    let description = |i: usize| -> String {
        let page = &tree.pages[i];
        let text = page
            .front_matter
            .description
            .as_deref()
            .unwrap_or(summaries[i]);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut files = vec![OutputFile {
        path: "llms.txt".into(),
        bytes: llms_txt(config, tree, &description).into_bytes(),
    }];
    files.extend(tree.pages.iter().map(|page| OutputFile {
        path: markdown_copy_path(&page.url),
        bytes: markdown_copy(page).into_bytes(),
    }));
    files
}

fn llms_txt(config: &Config, tree: &SiteTree, description: &dyn Fn(usize) -> String) -> String {
    let mut text = format!("# {}\n", one_line(&config.title));
    if !config.description.trim().is_empty() {
        text.push_str(&format!("\n> {}\n", one_line(&config.description)));
    }
    text.push_str(
        "\nEvery page is also published as plain markdown at its URL followed by `index.md`.\n",
    );
    let roots = tree
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.parent.is_none())
        .map(|(i, _)| i);
    let mut stack: Vec<usize> = roots.collect();
    stack.reverse();
    while let Some(section_index) = stack.pop() {
        let section = &tree.sections[section_index];
        let pages: Vec<usize> = section
            .index_page
            .into_iter()
            .chain(section.pages.iter().copied())
            .collect();
        if !pages.is_empty() {
            text.push_str(&format!("\n## {}\n\n", one_line(&section.title)));
            for i in pages {
                let page = &tree.pages[i];
                let link = permalink(config, &format!("/{}", markdown_copy_path(&page.url)));
                text.push_str(&format!(
                    "- [{}]({link})",
                    one_line(&page.front_matter.title)
                ));
                let description = description(i);
                if !description.is_empty() {
                    text.push_str(&format!(": {description}"));
                }
                text.push('\n');
            }
        }
        stack.extend(section.children.iter().rev());
    }
    text
}

/// The page as markdown: its title as a heading (unless the body opens with one), the front matter's
/// description as a quote, then the body as written.
fn markdown_copy(page: &SourcePage) -> String {
    let mut text = String::new();
    if !page.body.trim_start().starts_with("# ") {
        text.push_str(&format!("# {}\n\n", one_line(&page.front_matter.title)));
        if let Some(description) = &page.front_matter.description {
            text.push_str(&format!("> {}\n\n", one_line(description)));
        }
    }
    text.push_str(page.body.trim_start_matches('\n'));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_paths_follow_page_urls() {
        assert_eq!(markdown_copy_path("/"), "index.md");
        assert_eq!(markdown_copy_path("/guide/intro/"), "guide/intro/index.md");
    }
}
