//! The CODEOWNERS model shared by parsing, matching, validation and approvals.

use serde::Serialize;

/// Which forge's CODEOWNERS semantics apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    GitHub,
    GitLab,
}

impl From<crate::ci::Provider> for Dialect {
    fn from(p: crate::ci::Provider) -> Self {
        match p {
            crate::ci::Provider::GitHub => Dialect::GitHub,
            crate::ci::Provider::GitLab => Dialect::GitLab,
        }
    }
}

/// A forge's dialect: GitLab's for GitLab, else GitHub's.
impl From<crate::forge::Forge> for Dialect {
    fn from(f: crate::forge::Forge) -> Self {
        match f {
            crate::forge::Forge::GitLab => Dialect::GitLab,
            _ => Dialect::GitHub,
        }
    }
}

impl From<Dialect> for crate::forge::Forge {
    fn from(d: Dialect) -> Self {
        match d {
            Dialect::GitHub => crate::forge::Forge::GitHub,
            Dialect::GitLab => crate::forge::Forge::GitLab,
        }
    }
}

/// One rule line: a pattern and its owners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// 1-based line in the CODEOWNERS file.
    pub line: u32,
    /// 1-based column (in characters) where the pattern starts on that line (the `!` of a
    /// GitLab exclusion).
    pub column: u32,
    /// The pattern as written (GitLab exclusions without their `!`).
    pub pattern: String,
    /// Owners: `@user`, `@org/team`, `@group/sub/group`, `user@example.com`,
    /// `@@developer` / `@@maintainer` / `@@owner` (GitLab roles). GitHub: as written. GitLab:
    /// the references GitLab extracts from the owner text (roles normalised to the singular,
    /// lower case), or the default owners of the section header the rule appears under when
    /// it names none (filled in by the parser). Empty = unowned (GitHub), no owner in that
    /// section (GitLab), and always for GitLab exclusions.
    pub owners: Vec<String>,
    /// Index into `CodeOwners::sections` (GitLab); None for GitHub and for GitLab
    /// rules before the first section.
    pub section: Option<usize>,
    /// GitLab `!pattern`: an exclusion within its section.
    pub exclusion: bool,
    /// Approvals this rule requires: GitLab gives every entry the count of the section header
    /// it appears under (`[Name][N]`; 1 when not given or 0) and makes one approval rule per
    /// section *and pattern* with that count, so merged sections can differ per rule.
    /// GitHub: always 1.
    pub approvals_required: u32,
}

/// A GitLab section (`[Name]`, `^[Name]`, `[Name][2]`, with default owners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// As written in its first header (sections merge case-insensitively).
    pub name: String,
    /// Line of the first header.
    pub line: u32,
    pub optional: bool,
    /// `[Name][N]`; 1 when not given.
    pub approvals_required: u32,
    pub default_owners: Vec<String>,
}

/// A problem found while parsing (GitLab's own syntax error kinds, GitHub's
/// unsupported syntax). `rule` is a `codeowners-check validate` rule id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub rule: &'static str,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeOwners {
    pub dialect: Dialect,
    /// Repository-relative path of the file (`.github/CODEOWNERS`).
    pub path: String,
    pub rules: Vec<Rule>,
    pub sections: Vec<Section>,
    pub problems: Vec<Problem>,
}

/// The owners of one section for one path (GitLab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionOwners {
    pub name: String,
    pub owners: Vec<String>,
    /// The deciding rule's line in this section.
    pub line: u32,
    pub optional: bool,
    pub approvals_required: u32,
}

/// The answer for one path: the JSON of `codeowners-check owners`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ownership {
    pub path: String,
    /// The union of the owners (GitHub: the deciding rule's owners).
    pub owners: Vec<String>,
    /// GitHub: the deciding rule's line; GitLab: None (see `sections`).
    pub line: Option<u32>,
    /// GitLab: every section with a matching rule; empty for GitHub.
    pub sections: Vec<SectionOwners>,
}
