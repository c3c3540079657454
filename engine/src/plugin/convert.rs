//! Lua errors to plugin-facing messages: the message without its `init.lua:N:` prefix, and the
//! `init.lua` line it points at. Pure functions over mlua errors; no plugin state.

use crate::plugin::sandbox::INIT_CHUNK;

/// The plugin-facing message of a Lua error (first line, without the `init.lua:N:` prefix) and the
/// `init.lua` line it points at, taken from the message or else from the innermost traceback frame.
pub fn describe_lua_error(error: &mlua::Error) -> (String, Option<usize>) {
    let full = error.to_string();
    let message = innermost_message(error);
    let first_line = message.lines().next().unwrap_or_default();
    let (line_in_message, rest) = split_location(first_line);
    let line = line_in_message.or_else(|| find_init_line(&full));
    (rest.trim().to_string(), line)
}

fn innermost_message(error: &mlua::Error) -> String {
    match error {
        mlua::Error::CallbackError { cause, .. } => innermost_message(cause),
        mlua::Error::WithContext { cause, .. } => innermost_message(cause),
        mlua::Error::RuntimeError(message) => message.clone(),
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::ExternalError(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// Splits `init.lua:12: message` into `(Some(12), "message")`; other text is returned whole.
fn split_location(text: &str) -> (Option<usize>, &str) {
    let Some(after_chunk) = text
        .strip_prefix(INIT_CHUNK)
        .and_then(|rest| rest.strip_prefix(':'))
    else {
        return (None, text);
    };
    let digits = after_chunk.bytes().take_while(u8::is_ascii_digit).count();
    match (
        after_chunk[..digits].parse().ok(),
        after_chunk[digits..].strip_prefix(':'),
    ) {
        (Some(line), Some(rest)) => (Some(line), rest),
        _ => (None, text),
    }
}

/// The first `init.lua:N:` anywhere in `text` (messages and tracebacks list innermost frames first).
fn find_init_line(text: &str) -> Option<usize> {
    let pattern = format!("{INIT_CHUNK}:");
    text.match_indices(&pattern).find_map(|(start, _)| {
        let after = &text[start + pattern.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(':') {
            after[..digits].parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_prefix_is_split_from_the_message() {
        assert_eq!(split_location("init.lua:12: boom"), (Some(12), " boom"));
        assert_eq!(
            split_location("other.lua:1: boom"),
            (None, "other.lua:1: boom")
        );
        assert_eq!(
            split_location("init.lua:x: boom"),
            (None, "init.lua:x: boom")
        );
    }

    #[test]
    fn traceback_line_is_found_when_the_message_has_none() {
        let text = "boom\nstack traceback:\n\t[C]: in ?\n\tinit.lua:7: in function 'f'";
        assert_eq!(find_init_line(text), Some(7));
    }
}
