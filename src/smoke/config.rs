//! The `smoke` section of `.sfci.yml` (post-deploy smoke tests); this version defines no keys in it.
//! (Smoke specs are separate files, loaded by [`crate::smoke::spec`].)

use serde::{Deserialize, Serialize};

/// The `smoke` section; this version defines no keys in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an empty mapping (this version defines no keys in `smoke`)"
)]
#[non_exhaustive]
pub struct SmokeConfig {}
