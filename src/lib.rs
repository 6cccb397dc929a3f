//! sfci: merge-request checks and release gates for Salesforce teams.
//!
//! Data flows one way: inputs → model → checks → outcomes → reports + exit code.
pub mod apex;
pub mod app;
pub mod ci;
pub mod config;
pub mod deps;
pub mod duration;
pub mod forge;
pub mod gate;
pub mod git;
pub mod lint;
pub mod net;
pub mod notify;
pub mod org;
pub mod owners;
pub mod process;
pub mod report;
pub mod rules;
pub mod smoke;
pub mod source;
