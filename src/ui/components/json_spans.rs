//! Where things are in a JSON text: the byte range of the value at a path (`["1", "actions",
//! "0"]`), and the byte offset of a line/column, so the text view can underline a problem
//! exactly where it is. A small scanner, forgiving of invalid text (it then finds nothing).

/// The byte range of the value at `path` (object keys and array indices) in `text`.
pub fn locate(text: &str, path: &[String]) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    find(bytes, skip_ws(bytes, 0), path)
}

/// The byte offset of a 1-based line and column (as serde_json reports them).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (number, content) in text.split_inclusive('\n').enumerate() {
        if number + 1 == line {
            let column_bytes: usize = content.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            return (offset + column_bytes).min(text.len());
        }
        offset += content.len();
    }
    text.len()
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

fn find(bytes: &[u8], pos: usize, path: &[String]) -> Option<(usize, usize)> {
    let Some((head, rest)) = path.split_first() else {
        return Some((pos, skip_value(bytes, pos)?));
    };
    match bytes.get(pos)? {
        b'[' => {
            let wanted: usize = head.parse().ok()?;
            let mut at = skip_ws(bytes, pos + 1);
            let mut index = 0;
            while bytes.get(at)? != &b']' {
                if index == wanted {
                    return find(bytes, at, rest);
                }
                at = skip_ws(bytes, skip_value(bytes, at)?);
                if bytes.get(at)? == &b',' {
                    at = skip_ws(bytes, at + 1);
                }
                index += 1;
            }
            None
        }
        b'{' => {
            let mut at = skip_ws(bytes, pos + 1);
            while bytes.get(at)? != &b'}' {
                let key_end = skip_string(bytes, at)?;
                let key = std::str::from_utf8(bytes.get(at + 1..key_end - 1)?).ok()?;
                at = skip_ws(bytes, key_end);
                if bytes.get(at)? != &b':' {
                    return None;
                }
                at = skip_ws(bytes, at + 1);
                if key == head {
                    return find(bytes, at, rest);
                }
                at = skip_ws(bytes, skip_value(bytes, at)?);
                if bytes.get(at)? == &b',' {
                    at = skip_ws(bytes, at + 1);
                }
            }
            None
        }
        _ => None,
    }
}

/// The end (exclusive) of the string starting at `pos`.
fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos)? != &b'"' {
        return None;
    }
    let mut at = pos + 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// The end (exclusive) of the value starting at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => skip_string(bytes, pos),
        open @ (b'[' | b'{') => {
            let close = if *open == b'[' { b']' } else { b'}' };
            let mut at = skip_ws(bytes, pos + 1);
            while bytes.get(at)? != &close {
                at = skip_ws(bytes, skip_value(bytes, at)?);
                if matches!(bytes.get(at)?, b',' | b':') {
                    at = skip_ws(bytes, at + 1);
                }
            }
            Some(at + 1)
        }
        _ => {
            let mut at = pos;
            while at < bytes.len()
                && !matches!(bytes[at], b',' | b']' | b'}' | b':')
                && !bytes[at].is_ascii_whitespace()
            {
                at += 1;
            }
            (at > pos).then_some(at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at<'t>(text: &'t str, path: &[&str]) -> Option<&'t str> {
        let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
        locate(text, &path).and_then(|(a, b)| text.get(a..b))
    }

    #[test]
    fn finds_values_by_path() {
        let text = r#"[
  {"effect": "allow", "actions": ["read", "up\"date"], "resources": ["org"]},
  { "effect" : "deny", "resources": [ "project:p1" , "org" ], "actions": ["*"], "n": -1.5e3 }
]"#;
        assert_eq!(text_at(text, &["0", "actions", "1"]), Some(r#""up\"date""#));
        assert_eq!(text_at(text, &["1", "resources", "1"]), Some(r#""org""#));
        assert_eq!(text_at(text, &["1", "effect"]), Some(r#""deny""#));
        assert_eq!(text_at(text, &["1", "n"]), Some("-1.5e3"));
        assert_eq!(text_at(text, &["0", "resources"]), Some(r#"["org"]"#));
        assert_eq!(text_at(text, &["2"]), None);
        assert_eq!(text_at(text, &["0", "nope"]), None);
    }

    #[test]
    fn invalid_text_finds_nothing_rather_than_panicking() {
        for text in ["", "[", "[{\"a\": ", "{\"a\" 1}", "[\"unterminated"] {
            assert_eq!(locate(text, &["0".to_owned(), "a".to_owned()]), None, "{text:?}");
        }
    }

    #[test]
    fn lines_and_columns_become_offsets() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 3), 5);
        assert_eq!(offset_of(text, 3, 1), 8);
        assert_eq!(offset_of(text, 9, 9), text.len());
    }
}
