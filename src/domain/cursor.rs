//! Paging cursors. Opaque to clients: the hex of "key\0id" of the last item served, for lists
//! ordered by a key (a name) and then by id.

use super::{DomainError, DomainResult, FieldError};

pub fn encode(key: &str, id: &str) -> String {
    format!("{key}\0{id}").bytes().map(|b| format!("{b:02x}")).collect()
}

pub fn decode(cursor: &str) -> DomainResult<(String, String)> {
    let invalid = || {
        DomainError::Invalid(vec![FieldError {
            loc: vec!["query".into(), "cursor".into()],
            msg: "Invalid cursor".into(),
            kind: "value_error.cursor".into(),
        }])
    };
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
    }
}
