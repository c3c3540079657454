//! Code-fence info strings: `rust file=src/main.rs ignore="needs network"` or rustdoc's `rust,no_run`.
//! Input: the text after the fence; output: the language and the attributes in order.

/// Split an info string into its language and attributes. Attributes are `key=value`, `key="quoted value"`
/// or bare flags (`no_run`); separators are whitespace or commas outside quotes. The first token is the
/// language unless it is itself an attribute (`file=x` alone means no language).
pub fn parse_info_string(info: &str) -> (String, Vec<(String, Option<String>)>) {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in info.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if !in_quotes && (c.is_whitespace() || c == ',') => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    let mut tokens = tokens.into_iter().peekable();
    let lang = match tokens.peek() {
        Some(first) if !first.contains('=') => tokens.next().unwrap_or_default(),
        _ => String::new(),
    };
    let attributes = tokens
        .map(|t| match t.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (t, None),
        })
        .collect();
    (lang, attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn language_and_key_values() {
        let (lang, a) = parse_info_string(r#"rust file=src/main.rs ignore="needs network""#);
        assert_eq!(lang, "rust");
        assert_eq!(
            a,
            attrs(&[
                ("file", Some("src/main.rs")),
                ("ignore", Some("needs network"))
            ])
        );
    }

    #[test]
    fn rustdoc_commas_and_flags() {
        let (lang, a) = parse_info_string("rust,no_run,should_panic");
        assert_eq!(lang, "rust");
        assert_eq!(a, attrs(&[("no_run", None), ("should_panic", None)]));
    }

    #[test]
    fn attribute_only_has_no_language() {
        let (lang, a) = parse_info_string("file=a.txt");
        assert_eq!(lang, "");
        assert_eq!(a, attrs(&[("file", Some("a.txt"))]));
    }

    #[test]
    fn empty_info() {
        assert_eq!(parse_info_string("  "), (String::new(), vec![]));
    }
}
