//! Sessions: signing in and out (with throttling of failed attempts), sessions' validity, and
//! passwords (rules, hashing, changing one's own).

pub mod passwords;
mod sign_in;
mod throttle;

pub use throttle::ThrottlePolicy;
