//! Opaque identifiers. UUIDv7: unique without coordination between app servers, and roughly
//! time-ordered, which keeps b-tree inserts local.

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
