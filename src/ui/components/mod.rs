pub mod focus;
pub mod form;
pub mod impact_panel;
pub mod json_spans;
pub mod layout;
pub mod list_page;
pub mod permission_matrix;
pub mod unsaved_guard;
