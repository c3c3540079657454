//! `llms.txt` and the plain-markdown copy of every page, end to end through `docgen build`.

mod common;

use common::TempSite;

fn built_site() -> TempSite {
    let site = TempSite::new();
    site.file(
        "docgen.toml",
        "title = \"Demo\"\nbase_url = \"https://docs.example.org/\"\ndescription = \"Docs for demo.\"\n",
    )
    .file(
        "content/guide/_index.md",
        "+++\ntitle = \"Guide\"\n+++\n\nThe guide.\n",
    )
    .file(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\ndescription = \"Install and configure.\"\nweight = 1\n+++\n\nRun `demo init`.\n\n## Next\n\nSee [usage](usage.md).\n",
    )
    .file(
        "content/guide/usage.md",
        "+++\ntitle = \"Usage\"\nweight = 2\n+++\n\n# Using demo\n\nFirst paragraph, the summary.\n",
    );
    let report = site.build();
    assert!(report.success, "{:?}", report.diagnostics);
    site
}

#[test]
fn llms_txt_lists_every_page_with_title_and_description() {
    let site = built_site();
    let text = std::fs::read_to_string(site.out().join("llms.txt")).unwrap();
    insta::assert_snapshot!("llms_txt", text);
}

#[test]
fn every_page_has_a_markdown_copy() {
    let site = built_site();
    let setup = std::fs::read_to_string(site.out().join("guide/setup/index.md")).unwrap();
    assert_eq!(
        setup,
        "# Setup\n\n> Install and configure.\n\nRun `demo init`.\n\n## Next\n\nSee [usage](usage.md).\n"
    );
    let usage = std::fs::read_to_string(site.out().join("guide/usage/index.md")).unwrap();
    assert!(
        usage.starts_with("# Using demo\n\nFirst paragraph"),
        "a page that opens with its own heading keeps it: {usage}"
    );
    assert!(site.out().join("index.md").is_file(), "the home page too");
}
