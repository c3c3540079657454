//! Lua 5.4 string patterns (`string.find`, `match`, `gmatch`, `gsub`), matched in Rust with a step
//! meter. Lua's own matcher is C code that backtracks without ever returning to the VM, so the count
//! hook cannot stop it: `("a"):rep(1000):find(".-.-.-b")` ran for hours under a 2 s timeout. This port
//! of `lstrlib.c`'s algorithm (same semantics and error messages, differential-tested against it in
//! `tests/plugin_c_calls.rs`) asks its caller every `TICK` steps whether to stop. Plain searches use
//! `memchr::memmem`, linear where Lua's `lmemfind` is quadratic. Input is bytes; output is offsets.

/// Lua's `LUA_MAXCAPTURES`.
const MAX_CAPTURES: usize = 32;
/// Lua's `MAXCCALLS`: the recursion depth of one match, beyond which the pattern is "too complex".
const MAX_DEPTH: u32 = 200;
/// Steps between two questions to the caller's `stop` function.
const TICK: u32 = 1024;
const ESC: u8 = b'%';
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// Why a match ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchError {
    /// A malformed pattern or a bad capture: raised as a Lua error with this message.
    Pattern(String),
    /// The caller's `stop` said so (a limit was hit).
    Stopped,
}

type Result<T> = std::result::Result<T, MatchError>;

fn pattern_error<T>(message: impl Into<String>) -> Result<T> {
    Err(MatchError::Pattern(message.into()))
}

/// One capture's value: text, or a position capture `()` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture<'s> {
    Text(&'s [u8]),
    Position(usize),
}

#[derive(Debug, Clone, Copy)]
enum CaptureLen {
    Unfinished,
    Position,
    Closed(usize),
}

/// The state of matching one pattern against one subject; reused across start positions.
pub struct Matcher<'s, 'f> {
    src: &'s [u8],
    pat: &'s [u8],
    depth: u32,
    level: usize,
    captures: [(usize, CaptureLen); MAX_CAPTURES],
    steps: u32,
    stop: &'f mut dyn FnMut() -> bool,
}

impl<'s, 'f> Matcher<'s, 'f> {
    /// `pat` without a leading `^` anchor (the callers handle it); `stop` is asked every `TICK` steps.
    pub fn new(src: &'s [u8], pat: &'s [u8], stop: &'f mut dyn FnMut() -> bool) -> Self {
        Self {
            src,
            pat,
            depth: MAX_DEPTH,
            level: 0,
            captures: [(0, CaptureLen::Unfinished); MAX_CAPTURES],
            steps: 0,
            stop,
        }
    }

    /// Where a match of the whole pattern starting at `start` ends, if there is one.
    pub fn match_at(&mut self, start: usize) -> Result<Option<usize>> {
        self.depth = MAX_DEPTH;
        self.level = 0;
        self.tick()?;
        self.do_match(start, 0)
    }

    /// The captures of the last successful match `start..end`: the whole match when the pattern has
    /// none, unless `whole_if_none` is false (what `string.find` wants).
    pub fn captures(
        &self,
        start: usize,
        end: usize,
        whole_if_none: bool,
    ) -> Result<Vec<Capture<'s>>> {
        let count = if self.level == 0 && whole_if_none {
            1
        } else {
            self.level
        };
        (0..count)
            .map(|index| self.capture(index, start, end))
            .collect()
    }

    /// Capture `index` (0-based) of the match `start..end`; index 0 of a pattern without
    /// captures is the whole match.
    pub fn capture(&self, index: usize, start: usize, end: usize) -> Result<Capture<'s>> {
        if index >= self.level {
            if index != 0 {
                return pattern_error(format!("invalid capture index %{}", index + 1));
            }
            return Ok(Capture::Text(&self.src[start..end]));
        }
        let (init, len) = self.captures[index];
        match len {
            CaptureLen::Unfinished => pattern_error("unfinished capture"),
            CaptureLen::Position => Ok(Capture::Position(init + 1)),
            CaptureLen::Closed(len) => Ok(Capture::Text(&self.src[init..init + len])),
        }
    }

    /// The subject being matched.
    pub fn source(&self) -> &'s [u8] {
        self.src
    }

    /// Counts one step; every `TICK` steps asks the caller whether to go on.
    pub fn tick(&mut self) -> Result<()> {
        self.steps = self.steps.wrapping_add(1);
        if self.steps.is_multiple_of(TICK) && (self.stop)() {
            return Err(MatchError::Stopped);
        }
        Ok(())
    }

    /// The pattern byte at `i`, or NUL past the end (C reads the string's terminator there).
    fn p(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    fn s(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// The end of the single-character class starting at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize> {
        let first = self.p(p);
        p += 1;
        match first {
            ESC => {
                if p >= self.pat.len() {
                    return pattern_error("malformed pattern (ends with '%')");
                }
                Ok(p + 1)
            }
            b'[' => {
                if self.p(p) == b'^' {
                    p += 1;
                }
                loop {
                    if p >= self.pat.len() {
                        return pattern_error("malformed pattern (missing ']')");
                    }
                    let c = self.p(p);
                    p += 1;
                    if c == ESC && p < self.pat.len() {
                        p += 1;
                    }
                    if self.p(p) == b']' {
                        return Ok(p + 1);
                    }
                }
            }
            _ => Ok(p),
        }
    }

    /// `[set]` at `p..=ec` (`ec` is the closing `]`) against the byte `c`.
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.p(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                return !sig;
            }
            if self.p(p) == ESC {
                p += 1;
                if match_class(c, self.p(p)) {
                    return sig;
                }
            } else if self.p(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if self.p(p - 2) <= c && c <= self.p(p) {
                    return sig;
                }
            } else if self.p(p) == c {
                return sig;
            }
        }
    }

    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.p(p) {
            b'.' => true,
            ESC => match_class(c, self.p(p + 1)),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            literal => literal == c,
        }
    }

    fn match_balance(&mut self, mut s: usize, p: usize) -> Result<Option<usize>> {
        if p + 1 >= self.pat.len() {
            return pattern_error("malformed pattern (missing arguments to '%b')");
        }
        if s >= self.src.len() || self.s(s) != self.p(p) {
            return Ok(None);
        }
        let (open, close) = (self.p(p), self.p(p + 1));
        let mut depth = 1usize;
        loop {
            s += 1;
            if s >= self.src.len() {
                return Ok(None);
            }
            self.tick()?;
            let c = self.s(s);
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(s + 1));
                }
            } else if c == open {
                depth += 1;
            }
        }
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>> {
        let mut count = 0;
        while self.single_match(s + count, p, ep) {
            count += 1;
            self.tick()?;
        }
        loop {
            if let Some(end) = self.do_match(s + count, ep + 1)? {
                return Ok(Some(end));
            }
            if count == 0 {
                return Ok(None);
            }
            count -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> Result<Option<usize>> {
        loop {
            if let Some(end) = self.do_match(s, ep + 1)? {
                return Ok(Some(end));
            }
            if !self.single_match(s, p, ep) {
                return Ok(None);
            }
            s += 1;
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, len: CaptureLen) -> Result<Option<usize>> {
        if self.level >= MAX_CAPTURES {
            return pattern_error("too many captures");
        }
        self.captures[self.level] = (s, len);
        self.level += 1;
        let end = self.do_match(s, p)?;
        if end.is_none() {
            self.level -= 1;
        }
        Ok(end)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>> {
        let Some(open) = (0..self.level)
            .rev()
            .find(|&index| matches!(self.captures[index].1, CaptureLen::Unfinished))
        else {
            return pattern_error("invalid pattern capture");
        };
        self.captures[open].1 = CaptureLen::Closed(s - self.captures[open].0);
        let end = self.do_match(s, p)?;
        if end.is_none() {
            self.captures[open].1 = CaptureLen::Unfinished;
        }
        Ok(end)
    }

    /// `%1`..`%9`: the text of an earlier closed capture, again. A position capture never matches
    /// (C compares against its length, which is -2 as an unsigned size).
    fn match_capture(&mut self, s: usize, digit: u8) -> Result<Option<usize>> {
        let index = i32::from(digit) - i32::from(b'1');
        let capture = usize::try_from(index)
            .ok()
            .filter(|&index| index < self.level)
            .map(|index| self.captures[index]);
        let (init, len) = match capture {
            Some((_, CaptureLen::Position)) => return Ok(None),
            Some((init, CaptureLen::Closed(len))) => (init, len),
            _ => return pattern_error(format!("invalid capture index %{}", index + 1)),
        };
        for _ in 0..len / 4096 {
            self.tick()?;
        }
        let rest = &self.src[s.min(self.src.len())..];
        Ok((rest.len() >= len && rest[..len] == self.src[init..init + len]).then_some(s + len))
    }

    /// Lua's `match`: the end of a match of `pat[p..]` at `src[s..]`.
    fn do_match(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>> {
        if self.depth == 0 {
            return pattern_error("pattern too complex");
        }
        self.depth -= 1;
        let result = loop {
            self.tick()?;
            if p >= self.pat.len() {
                break Some(s);
            }
            match self.p(p) {
                b'(' => {
                    break if self.p(p + 1) == b')' {
                        self.start_capture(s, p + 2, CaptureLen::Position)?
                    } else {
                        self.start_capture(s, p + 1, CaptureLen::Unfinished)?
                    };
                }
                b')' => break self.end_capture(s, p + 1)?,
                b'$' if p + 1 == self.pat.len() => {
                    break (s == self.src.len()).then_some(s);
                }
                ESC if self.p(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(end) => {
                        s = end;
                        p += 4;
                    }
                    None => break None,
                },
                ESC if self.p(p + 1) == b'f' => {
                    p += 2;
                    if self.p(p) != b'[' {
                        return pattern_error("missing '[' after '%f' in pattern");
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.s(s - 1) };
                    if !self.match_bracket_class(previous, p, ep - 1)
                        && self.match_bracket_class(self.s(s), p, ep - 1)
                    {
                        p = ep;
                    } else {
                        break None;
                    }
                }
                ESC if self.p(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.p(p + 1))? {
                        Some(end) => {
                            s = end;
                            p += 2;
                        }
                        None => break None,
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let suffix = self.p(ep);
                    if !self.single_match(s, p, ep) {
                        if matches!(suffix, b'*' | b'?' | b'-') {
                            p = ep + 1;
                            continue;
                        }
                        break None;
                    }
                    match suffix {
                        b'?' => match self.do_match(s + 1, ep + 1)? {
                            Some(end) => break Some(end),
                            None => p = ep + 1,
                        },
                        b'+' => break self.max_expand(s + 1, p, ep)?,
                        b'*' => break self.max_expand(s, p, ep)?,
                        b'-' => break self.min_expand(s, p, ep)?,
                        _ => {
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        };
        self.depth += 1;
        Ok(result)
    }
}

/// `%a`, `%d`, ... in the C locale; an uppercase class is the complement; any other byte is itself.
fn match_class(c: u8, class: u8) -> bool {
    let matched = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        // C's isspace: space, \t, \n, \v, \f, \r (Rust's is_ascii_whitespace leaves out \v).
        b's' => c == b' ' || (b'\t'..=b'\r').contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return class == c,
    };
    if class.is_ascii_lowercase() {
        matched
    } else {
        !matched
    }
}

/// Whether `string.find` may search for the pattern as plain text.
pub fn has_no_specials(pattern: &[u8]) -> bool {
    !pattern.iter().any(|byte| SPECIALS.contains(byte))
}

/// Lua's `posrelatI`: a 1-based start position, negative from the end, clipped to 1.
pub fn start_position(init: i64, len: usize) -> usize {
    if init > 0 {
        usize::try_from(init).unwrap_or(usize::MAX)
    } else if init == 0 || init.unsigned_abs() > len as u64 {
        1
    } else {
        len - init.unsigned_abs() as usize + 1
    }
}

/// A plain search, linear in the subject: the 0-based offset of `needle` in `haystack`.
pub fn find_plain(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// What `string.find` (`find` true) or `string.match` found: the 0-based match range and the
/// captures (for `find`, only explicit ones).
pub struct Found<'s> {
    pub start: usize,
    pub end: usize,
    pub captures: Vec<Capture<'s>>,
}

/// `string.find` / `string.match` from the 0-based offset `init` (`init <= src.len()`).
pub fn find<'s>(
    src: &'s [u8],
    pat: &'s [u8],
    init: usize,
    plain: bool,
    find: bool,
    stop: &mut dyn FnMut() -> bool,
) -> Result<Option<Found<'s>>> {
    if find && (plain || has_no_specials(pat)) {
        return Ok(find_plain(&src[init..], pat).map(|offset| Found {
            start: init + offset,
            end: init + offset + pat.len(),
            captures: Vec::new(),
        }));
    }
    let (anchored, pat) = match pat.strip_prefix(b"^") {
        Some(rest) => (true, rest),
        None => (false, pat),
    };
    let mut matcher = Matcher::new(src, pat, stop);
    let mut start = init;
    loop {
        if let Some(end) = matcher.match_at(start)? {
            let captures = matcher.captures(start, end, !find)?;
            return Ok(Some(Found {
                start,
                end,
                captures,
            }));
        }
        start += 1;
        if anchored || start > src.len() {
            return Ok(None);
        }
    }
}
