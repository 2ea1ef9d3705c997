//! The names std's prelude gives every module, for a crate that may be built without std: the
//! wasm build `make pkg` ships is `no_std` and takes them from `alloc`. Which of them a module
//! uses depends on the build's features.
#![allow(unused_imports)]

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec::Vec;
pub(crate) use alloc::{format, vec};
