//! `validate-deps`: components and references of every metadata type, team
//! attribution, the dependency graph and what a change adds to it.
pub mod approvals;
pub mod change;
pub mod check;
pub mod comment;
pub mod config;
pub mod conflicts;
pub mod extract;
pub mod graph;
pub mod model;
pub mod render;
pub mod rules;
pub mod scan;
pub mod select;
pub mod teams;
