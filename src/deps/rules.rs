//! Every rule of `validate-deps`, declared with [`rule!`](crate::rule) (the doc comment is
//! the rule's documentation): the dependency rules, then those of `--conflicts`. The
//! checks that report them are the runs of [`check`](super::check) and
//! [`conflicts`](super::conflicts).

use crate::report::RuleInfo;
use crate::rules::Rule;

crate::rule! {
    /// **Why it matters.** A reference from one team's component (Apex, trigger, LWC, Aura,
    /// Visualforce, Flow, FlexiPage, permission set, profile, object or field) to a component
    /// owned by another team. In a merge request (--base) a new cross-team edge is an error
    /// unless .sfci.yml allows it (deps.allow); in an inventory (--all) it is a warning.
    ///
    /// **Fix.** Ask the owning team to review the change, or allow the edge in .sfci.yml:
    /// `deps: { allow: [ { from: "sales", to: "shared" } ] }`.
    pub const CROSS_TEAM: Rule = {
        id: "cross-team-dependency",
        severity: Error,
        summary: "A component depends on another team's component",
    }
}

crate::rule! {
    /// **Why it matters.** A reference from one team's component to another team's component
    /// matches a deps.deny rule of .sfci.yml (deny wins over allow).
    ///
    /// **Fix.** Remove the dependency, go through a component the rules allow (for example a
    /// shared service), or change the rule with the architects' approval.
    pub const FORBIDDEN: Rule = {
        id: "forbidden-dependency",
        severity: Error,
        summary: "A dependency between teams that .sfci.yml denies",
    }
}

crate::rule! {
    /// **Why it matters.** A component that the change deletes or renames is still referenced
    /// by a file that remains; the deployment would fail (or the reference break at run time).
    ///
    /// **Fix.** Update or remove the remaining references in the same change, or keep the
    /// component.
    pub const BROKEN: Rule = {
        id: "broken-reference",
        severity: Error,
        summary: "The change deletes or renames a component that is still referenced",
    }
}

crate::rule! {
    /// **Why it matters.** The file has a syntax problem (broken XML, an unterminated Apex
    /// comment or string) so its references may be incomplete. The graph is built from
    /// everything else.
    ///
    /// **Fix.** Fix the syntax problem the message names.
    pub const PARSE_ERROR: Rule = {
        id: "parse-error",
        severity: Warning,
        summary: "A file could not be read completely",
    }
}

crate::rule! {
    /// **Why it matters.** Two open merge requests of different teams change one metadata
    /// component (the same class, trigger, bundle, flow, field, object …). Even when git merges
    /// them, one team's change can overwrite or break the other's. With --conflicts; an error
    /// for the change opened later (--fail-on).
    ///
    /// **Fix.** Talk to the other team (the finding names its owners): merge one change first
    /// and rebase the other onto it, or combine them.
    pub const CONFLICT: Rule = {
        id: "open-change-conflict",
        severity: Error,
        summary: "Another team's open change changes the same component",
    }
}

crate::rule! {
    /// **Why it matters.** `git merge-tree --write-tree` reports a conflict in this file when
    /// merging the heads of two open merge requests of different teams: whichever merges second
    /// must resolve it. Profiles and permission sets are reported here when their text
    /// conflicts.
    ///
    /// **Fix.** Merge one change first, then rebase the other and resolve the conflict with the
    /// other team (the finding names its owners).
    pub const TEXT_CONFLICT: Rule = {
        id: "open-change-text-conflict",
        severity: Error,
        summary: "git cannot merge this file with another team's open change",
    }
}

crate::rule! {
    /// **Why it matters.** One open merge request deletes or renames a component that a file
    /// another team's open merge request adds or edits references: once both are merged the
    /// deployment fails (or the reference breaks at run time).
    ///
    /// **Fix.** Keep the component until the other change no longer needs it, or update the
    /// other change's reference before merging.
    pub const BREAKS_REFERENCE: Rule = {
        id: "open-change-breaks-reference",
        severity: Error,
        summary: "One open change deletes or renames what another team's open change references",
    }
}

crate::rule! {
    /// **Why it matters.** Profiles, permission sets and custom-labels files are touched by
    /// almost every change, so two open changes sharing one is advisory; when git cannot merge
    /// them, open-change-text-conflict reports it as an error.
    ///
    /// **Fix.** Nothing to do unless the two changes grant contradicting access; review them
    /// together.
    pub const SHARED_PROFILE: Rule = {
        id: "open-change-shared-profile",
        severity: Warning,
        summary: "Another team's open change edits the same profile or permission set (advisory)",
    }
}

crate::rule! {
    /// **Why it matters.** With --integrate, the open changes are merged one by one, opened
    /// earliest first, onto the target into a throwaway integration branch (the nightly
    /// integration run). This change could not be merged there: git cannot merge the files
    /// named with the target and the changes merged before it, so it was left out of the
    /// integration build.
    ///
    /// **Fix.** Rebase the change onto the target (and onto the other team's change the finding
    /// names, once merged) and resolve the conflict with that team.
    pub const NOT_INTEGRATED: Rule = {
        id: "open-change-not-integrated",
        severity: Error,
        summary: "This open change does not merge into the integration of the open changes before it",
    }
}

/// Every rule of `validate-deps`, in documentation order: the dependency rules, then
/// those of `--conflicts` (`open-change-*`). Ids are part of the interface.
pub const RULES: &[Rule] = &[
    CROSS_TEAM,
    FORBIDDEN,
    BROKEN,
    PARSE_ERROR,
    CONFLICT,
    TEXT_CONFLICT,
    BREAKS_REFERENCE,
    SHARED_PROFILE,
    NOT_INTEGRATED,
];

/// The rules of `--conflicts`: those whose id starts with `open-change-`.
pub fn conflict_rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(|r| r.id.starts_with("open-change-"))
}

/// Every rule of `validate-deps` as reports describe them.
pub fn rules() -> Vec<RuleInfo> {
    crate::rules::infos(RULES)
}
