//! Rules for the plain text fields that many things have (names, descriptions), as pure
//! functions shared by the server and the browser. Each returns the problem, if any.

use std::{
    collections::{HashMap, HashSet},
    hash::Hash,
};

use super::FieldError;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

pub fn name_problem(name: &str) -> Option<String> {
    let length = name.trim().chars().count();
    if length == 0 {
        Some("Name is required".into())
    } else if length > MAX_NAME_CHARS {
        Some(format!("Name must be at most {MAX_NAME_CHARS} characters"))
    } else {
        None
    }
}

pub fn description_problem(description: &str) -> Option<String> {
    (description.trim().chars().count() > MAX_DESCRIPTION_CHARS)
        .then(|| format!("Description must be at most {MAX_DESCRIPTION_CHARS} characters"))
}

/// A list field's items taken as a whole: a problem at the field when there are more than
/// `max` (the items are then not looked at one by one, so a huge list costs nothing more), else
/// the positions of the items that repeat an earlier one. Linear: repeats are found with a set.
pub fn repeated_items<K: Hash + Eq>(
    field: &str,
    keys: impl ExactSizeIterator<Item = K>,
    max: usize,
) -> Result<HashSet<usize>, FieldError> {
    if keys.len() > max {
        return Err(FieldError::item(field, None, "too_long", format!("At most {max} items")));
    }
    let mut first_seen: HashMap<K, usize> = HashMap::new();
    let mut repeated = HashSet::new();
    for (index, key) in keys.enumerate() {
        if first_seen.insert(key, index).is_some() {
            repeated.insert(index);
        }
    }
    Ok(repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_items_are_found_and_long_lists_refused_whole() {
        let items = ["a", "b", "a", "c", "b"];
        let repeated = repeated_items("ids", items.iter(), 10).expect("short enough");
        assert_eq!(repeated, HashSet::from([2, 4]));
        let too_long = repeated_items("ids", items.iter(), 4).expect_err("too long");
        assert_eq!(too_long.loc, ["body", "ids"]);
        assert_eq!(too_long.kind, "too_long");
    }
}
