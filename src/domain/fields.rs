//! Rules for the plain text fields that many things have (names, descriptions), as pure
//! functions shared by the server and the browser. Each returns the problem, if any.

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
