//! Paging cursors. Opaque to clients: the hex of "key\0id" of the last item served, for lists
//! ordered by a key (a name) and then by id. A cursor only ever names an item its reader was
//! served.

use super::{DomainError, DomainResult, FieldError};

pub fn encode(key: &str, id: &str) -> String {
    hex(&format!("{key}\0{id}"))
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

fn invalid() -> DomainError {
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
    }
}
