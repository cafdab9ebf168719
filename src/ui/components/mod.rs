pub mod form;
pub mod json_spans;
pub mod layout;
pub mod permission_matrix;
pub mod unsaved_guard;
