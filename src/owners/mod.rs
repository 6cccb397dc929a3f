//! CODEOWNERS for GitHub and GitLab: parsing, matching, validation, approvals.
pub mod model;
