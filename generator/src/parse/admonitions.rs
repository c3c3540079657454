//! GitHub-style admonitions (`> [!NOTE]`): the callout markup that replaces the block quote.
//! Input: pulldown-cmark's `BlockQuoteKind`; output: the opening and closing HTML.

use pulldown_cmark::BlockQuoteKind;

/// The HTML that opens a callout of `kind`: a `div` with its class and a visible title.
pub fn open_html(kind: BlockQuoteKind) -> String {
    let (class, label) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"admonition {class}\" role=\"note\"><p class=\"admonition-title\">{label}</p>\n"
    )
}

/// The HTML that closes a callout.
pub const CLOSE_HTML: &str = "</div>\n";
