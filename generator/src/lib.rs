//! `docgen`: a static documentation-site generator and tutorial test harness.
//! The site pipeline is `load → parse → (index, render) → write`, one module per stage, data flowing one way
//! through the plain types in `model`; `build` runs the stages in order.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod doctest;
pub mod external;
pub mod html;
pub mod import;
pub mod index;
pub mod init;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod serve;
pub mod write;
