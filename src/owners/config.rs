//! The `owners` section of `.sfci.yml` (`codeowners-check`); this version defines no keys in it.

use serde::{Deserialize, Serialize};

/// The `owners` section; this version defines no keys in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an empty mapping (this version defines no keys in `owners`)"
)]
#[non_exhaustive]
pub struct OwnersConfig {}
