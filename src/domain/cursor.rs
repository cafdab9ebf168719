//! Paging cursors. Opaque to clients: the hex of "key\0id" of the last item served, for lists
//! ordered by a key (a name) and then by id. A cursor only ever names an item its reader was
//! served.

use super::{DomainError, DomainResult, FieldError};

pub fn encode(key: &str, id: &str) -> String {
    hex(&format!("{key}\0{id}"))
}

/// The cursor of the first page, for lists that link back a page: a "previous" link from the
/// second page needs a cursor too. It decodes to no position ([`decode_position`]).
pub fn first_page() -> String {
    encode("", "")
}

/// A page link's cursor: empty for [`first_page`] (the console links the first page bare).
pub fn first_page_as_empty(cursor: String) -> String {
    if cursor == first_page() { String::new() } else { cursor }
}

/// The (key, id) position a cursor resumes after, or `None` for [`first_page`].
pub fn decode_position(cursor: &str) -> DomainResult<Option<(String, String)>> {
    let position = decode(cursor)?;
    Ok((!position.0.is_empty() || !position.1.is_empty()).then_some(position))
}

/// One page of a list whose (key, id) pairs are all at hand, in listing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The page is `keys[start..end]`.
    pub start: usize,
    pub end: usize,
    pub next_cursor: Option<String>,
    /// Where the page before this one starts ([`first_page`] for the first), `None` on the
    /// first page.
    pub previous_cursor: Option<String>,
}

/// The page of `limit` after `after` (from the start when `None`) of `keys`, listed in
/// `descending` order of (key, id) or ascending.
pub fn window(keys: &[(String, String)], after: Option<&(String, String)>, limit: usize, descending: bool) -> Window {
    let start = after.map_or(0, |after| {
        keys.iter().position(|key| if descending { key < after } else { key > after }).unwrap_or(keys.len())
    });
    let end = (start + limit).min(keys.len());
    let cursor_at = |index: usize| encode(&keys[index].0, &keys[index].1);
    let next_cursor = (end < keys.len() && end > start).then(|| cursor_at(end - 1));
    let previous_cursor = (start > 0).then(|| match start.saturating_sub(limit) {
        0 => first_page(),
        previous => cursor_at(previous - 1),
    });
    Window { start, end, next_cursor, previous_cursor }
}

/// Cuts `items`, fetched with one more than `limit` to learn whether more follow, down to the
/// page; returns the cursor of the next page, if there is one. `key` gives an item's (key, id).
pub fn page_end<T>(items: &mut Vec<T>, limit: usize, key: impl Fn(&T) -> (&str, &str)) -> Option<String> {
    if items.len() <= limit {
        return None;
    }
    items.truncate(limit);
    items.last().map(|last| {
        let (key_value, id) = key(last);
        encode(key_value, id)
    })
}

/// A cursor that resumes `skip` items past the last item served, for lists that serve items
/// their reader may not see (those are counted, never named).
pub fn encode_with_skip(key: &str, id: &str, skip: usize) -> String {
    hex(&format!("{key}\0{id}\0{skip}"))
}

/// The key, id and skip of a cursor made by [`encode_with_skip`].
pub fn decode_with_skip(cursor: &str) -> DomainResult<(String, String, usize)> {
    let (key, rest) = decode(cursor)?;
    let (id, skip) = rest.split_once('\0').ok_or_else(invalid)?;
    Ok((key, id.to_owned(), skip.parse().map_err(|_| invalid())?))
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The error of a cursor this server did not make (or whose position it cannot read).
pub fn invalid() -> DomainError {
    DomainError::Invalid(vec![FieldError::query("cursor", "value_error.cursor", "Invalid cursor")])
}

pub fn decode(cursor: &str) -> DomainResult<(String, String)> {
    if !cursor.len().is_multiple_of(2) {
        return Err(invalid());
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let text = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    let (key, id) = text.split_once('\0').ok_or_else(invalid)?;
    Ok((key.to_owned(), id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = encode("Acme, Inc. ü", "0192-abc");
        assert_eq!(decode(&cursor).ok(), Some(("Acme, Inc. ü".to_owned(), "0192-abc".to_owned())));
        assert!(decode("zz").is_err());
        assert!(decode("abc").is_err());
        assert!(decode("4142").is_err(), "no separator");
        let skipping = encode_with_skip("a@x", "id-1", 7);
        assert_eq!(decode_with_skip(&skipping).ok(), Some(("a@x".to_owned(), "id-1".to_owned(), 7)));
        assert!(decode_with_skip(&cursor).is_err(), "no skip");
        assert_eq!(decode_position(&first_page()).ok(), Some(None));
        assert_eq!(decode_position(&cursor).ok(), Some(Some(("Acme, Inc. ü".to_owned(), "0192-abc".to_owned()))));
    }

    #[test]
    fn windows_page_forward_and_back_in_either_order() {
        let keys: Vec<(String, String)> = (0..7).map(|i| (format!("k{i}"), format!("id{i}"))).collect();
        let first = window(&keys, None, 3, false);
        assert_eq!((first.start, first.end, first.previous_cursor.clone()), (0, 3, None));
        let after = decode(first.next_cursor.as_deref().unwrap_or_default()).ok();
        let second = window(&keys, after.as_ref(), 3, false);
        assert_eq!((second.start, second.end), (3, 6));
        assert_eq!(second.previous_cursor, Some(first_page()));
        let after = decode(second.next_cursor.as_deref().unwrap_or_default()).ok();
        let third = window(&keys, after.as_ref(), 3, false);
        assert_eq!((third.start, third.end, third.next_cursor.clone()), (6, 7, None));
        let back = decode_position(third.previous_cursor.as_deref().unwrap_or_default()).ok().flatten();
        assert_eq!(window(&keys, back.as_ref(), 3, false).start, 3, "previous from the third page is the second");

        let reversed: Vec<(String, String)> = keys.iter().rev().cloned().collect();
        let first = window(&reversed, None, 3, true);
        let after = decode(first.next_cursor.as_deref().unwrap_or_default()).ok();
        let second = window(&reversed, after.as_ref(), 3, true);
        assert_eq!(reversed[second.start], keys[3], "descending continues below the last key served");
    }
}
