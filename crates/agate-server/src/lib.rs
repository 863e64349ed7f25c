//! agate's central server.
mod store;
pub use store::{Backend, Caller, Store, StoreError};
