//! Reading CODEOWNERS in GitHub's and GitLab's dialects.
//!
//! Both parsers are total: every line becomes a rule, a section, a [`Problem`] or nothing, and
//! parsing never fails. Problems carry the `codeowners-check validate` rule ids `syntax-error`,
//! `unsupported-syntax` and `file-too-large`, with 1-based line and column (in characters);
//! line 0 means the problem is about the whole file.
//!
//! # GitHub
//!
//! Sources: docs.github.com, "About code owners" (*CODEOWNERS file size*, *CODEOWNERS syntax*,
//! *Syntax exceptions*, and its example file with `*.js @js-owner #This is an inline comment.`),
//! and hmarr/codeowners `parse.go` for the owner formats.
//!
//! * A line is `pattern owner...`; blank lines and lines starting with `#` are skipped; an owner
//!   token starting with `#` starts an inline comment. `\` escapes the next character of the
//!   pattern, so `\ ` puts a space in it.
//! * Owners are `@user`, `@org/team` or an email address; anything else (`team`, `@@x`,
//!   `@a@b`, `@org/team/sub`) is a `syntax-error`, and GitHub skips a line with invalid syntax
//!   ("If any line in your CODEOWNERS file contains invalid syntax, that line will be
//!   skipped"), so the rule is left out. The check is about form only: `@alex.chen` is a
//!   well-formed mention; whether it names a user or team is the forge check `unknown-owner`.
//! * `!pattern` and a leading `\#` do not work on GitHub: `unsupported-syntax`, line left out.
//! * `[ ]` does not define a character range on GitHub: `unsupported-syntax`, but the rule is
//!   kept and the brackets match literally, as hmarr/codeowners does (its conformance cases
//!   match `/apps/[param]/file.ts` literally; Next.js-style `[param]` directories are common).
//! * A rule without owners is valid: it makes the paths it decides unowned.
//! * A file of 3 MB or more is not loaded by GitHub: `file-too-large`, and no rules.
//!
//! # GitLab
//!
//! Sources: docs.gitlab.com, "Syntax of CODEOWNERS file" (sections, optional sections,
//! approvals, default owners, exclusion patterns, roles) and "Advanced CODEOWNERS
//! configuration" (pattern matching, sections with duplicate names); GitLab's implementation
//! `ee/lib/gitlab/code_owners/{file,section_parser,reference_extractor}.rb` and its
//! `file_spec.rb` for the exact behaviour and the error kinds. Each GitLab error kind becomes a
//! `syntax-error` whose message names the kind:
//!
//! * `missing_entry_owner`: an entry with no owners in a section without default owners;
//! * `malformed_entry_owner`: an owner token with no `@name`, email or `@@role` in it;
//! * `missing_section_name`: `[]`;
//! * `invalid_approval_requirement`: `^[Name][2]` (optional sections cannot require approvals),
//!   or a count that is not a number (`[Name][]`);
//! * `invalid_section_owner_format`: a default owner that is not exactly `@name`, email or role;
//! * `invalid_section_format`: an unclosed `[` (the line is skipped), or a header with anything
//!   else after it (`[Name][x]`, `[Name] @a, @b`; the section still applies).
//!
//! Semantics: lines are stripped; `[Name]`, `^[Name]`, `[Name][N]` and default owners after the
//! header start a section; sections whose names are equal ignoring case are one section (the
//! first spelling names it), and a header literally named `codeowners` joins the unnamed
//! default section, as in GitLab. An entry splits at the first whitespace not preceded by `\`;
//! `!pattern` is an exclusion (its owners are ignored). Inline comments are *not* supported
//! ("Inline comments are unsupported. Any Code Owners listed in a comment are parsed."): the
//! words after `#` are owner tokens, so `# a comment` is a `malformed_entry_owner`. Owners are
//! the references GitLab extracts from the owner text (roles normalised to `@@developer`,
//! `@@maintainer`, `@@owner`); an entry with no owner text takes the default owners of the
//! header it appears under. A section is optional when every entry GitLab keeps for it comes
//! from a `^[...]` header (`optional_section?`): one required header makes it required.
//! Approval counts belong to entries: each rule gets the count of the header it appears under
//! (`Rule::approvals_required`; GitLab creates one approval rule per section and pattern with
//! that count, `MergeRequests::SyncCodeOwnerApprovalRules`); `Section::approvals_required` is
//! the largest count among the section's headers. A count of 0 or none means 1.

use super::matcher::{gitlab_normalize, is_ruby_space};
use super::model::{CodeOwners, Dialect, Problem, Rule, Section};
use super::rules::{SYNTAX, TOO_LARGE, UNSUPPORTED};
use regex::Regex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// GitHub does not load a CODEOWNERS file of this size or more ("must be under 3 MB").
pub const GITHUB_MAX_BYTES: usize = 3 * 1024 * 1024;

/// Where GitHub looks for CODEOWNERS, in order.
pub const GITHUB_LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// Where GitLab looks for CODEOWNERS, in order.
pub const GITLAB_LOCATIONS: [&str; 3] = ["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

/// The repository-relative locations a forge reads CODEOWNERS from, first match wins.
pub fn locations(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::GitHub => &GITHUB_LOCATIONS,
        Dialect::GitLab => &GITLAB_LOCATIONS,
    }
}

/// The CODEOWNERS file the forge would use in the checkout at `root`, if any.
pub fn discover(root: &Path, dialect: Dialect) -> Option<PathBuf> {
    locations(dialect)
        .iter()
        .map(|rel| root.join(rel))
        .find(|p| p.is_file())
}

/// Parses a CODEOWNERS file. `path` is its repository-relative path (`.github/CODEOWNERS`),
/// recorded in the result.
pub fn parse(text: &str, path: &str, dialect: Dialect) -> CodeOwners {
    let mut co = CodeOwners {
        dialect,
        path: path.to_string(),
        rules: Vec::new(),
        sections: Vec::new(),
        problems: Vec::new(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match dialect {
        Dialect::GitHub => parse_github(text, &mut co),
        Dialect::GitLab => parse_gitlab(text, &mut co),
    }
    co
}

/// The lines of a file, 1-based, without their `\n` / `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// 1-based character column of byte offset `at` in `line`.
fn column(line: &str, at: usize) -> u32 {
    line[..at].chars().count() as u32 + 1
}

fn problem(rule: &'static str, line: u32, column: u32, message: String) -> Problem {
    Problem {
        rule,
        line,
        column,
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub

fn parse_github(text: &str, co: &mut CodeOwners) {
    if text.len() >= GITHUB_MAX_BYTES {
        co.problems.push(problem(
            TOO_LARGE.id,
            0,
            0,
            format!(
                "{} is {} bytes; GitHub does not load a CODEOWNERS file of 3 MB ({} bytes) or more, \
                 so no code owners apply",
                co.path,
                text.len(),
                GITHUB_MAX_BYTES
            ),
        ));
        return;
    }
    for (n, line) in lines(text) {
        let Some(start) = line.find(|c: char| !is_ruby_space(c)) else {
            continue;
        };
        if line[start..].starts_with('#') {
            continue;
        }
        // The pattern runs to the first whitespace not escaped by `\`.
        let mut end = line.len();
        let mut escaped = false;
        for (i, c) in line[start..].char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if is_ruby_space(c) {
                end = start + i;
                break;
            }
        }
        let pattern = &line[start..end];
        let mut skip = false;
        if pattern.starts_with('!') {
            co.problems.push(problem(
                UNSUPPORTED.id,
                n,
                column(line, start),
                format!(
                    "`{pattern}`: GitHub does not support `!` to negate a pattern in CODEOWNERS; \
                     GitHub skips this line"
                ),
            ));
            skip = true;
        } else if pattern.starts_with("\\#") {
            co.problems.push(problem(
                UNSUPPORTED.id,
                n,
                column(line, start),
                format!(
                    "`{pattern}`: GitHub does not support escaping a leading `#` with `\\` in \
                     CODEOWNERS; GitHub skips this line"
                ),
            ));
            skip = true;
        } else if let Some(at) = unescaped(pattern, '[') {
            co.problems.push(problem(
                UNSUPPORTED.id,
                n,
                column(line, start + at),
                format!(
                    "`{pattern}`: GitHub does not support `[ ]` character ranges in CODEOWNERS; \
                     the brackets are matched literally here, and GitHub may reject the line"
                ),
            ));
        }
        let mut owners = Vec::new();
        let mut rest_at = end;
        for tok in line[end..].split(is_ruby_space) {
            let at = rest_at;
            rest_at += tok.len() + 1;
            if tok.is_empty() {
                continue;
            }
            if tok.starts_with('#') {
                break;
            }
            if github_owner_ok(tok) {
                owners.push(tok.to_string());
            } else {
                co.problems.push(problem(
                    SYNTAX.id,
                    n,
                    column(line, at),
                    format!(
                        "`{tok}` is not a valid owner: GitHub expects `@user`, `@org/team` or an \
                         email address; GitHub skips this line"
                    ),
                ));
                skip = true;
            }
        }
        if !skip {
            co.rules.push(Rule {
                line: n,
                column: column(line, start),
                pattern: pattern.to_string(),
                owners,
                section: None,
                exclusion: false,
                approvals_required: 1,
            });
        }
    }
}

/// Byte offset of the first `c` in `s` not escaped by `\`.
fn unescaped(s: &str, c: char) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            return Some(i);
        }
    }
    None
}

/// `@user`, `@org/team` or `user@example.com`. This is a syntax check only: `@alex.chen` is
/// well-formed here (whether such a user or team exists is `unknown-owner`, checked against
/// the forge); tokens without `@`, `@@x`, `@a@b`, `@org/team/sub` or with characters outside
/// letters, digits, `.`, `_` and `-` are not.
fn github_owner_ok(tok: &str) -> bool {
    let name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if let Some(rest) = tok.strip_prefix('@') {
        return match rest.split_once('/') {
            Some((org, team)) => name(org) && name(team),
            None => name(rest),
        };
    }
    let Some((local, domain)) = tok.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-'));
    let domain_ok = domain
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
    local_ok && domain_ok
}

// ---------------------------------------------------------------------------------------------
// GitLab

/// The section header an entry appears under.
struct Header {
    section: Option<usize>,
    optional: bool,
    approvals: u32,
    default_text: String,
    defaults: Vec<String>,
}

/// Ruby's `String#strip`: ASCII whitespace and NUL. Returns the byte range kept.
fn ruby_strip(line: &str) -> (usize, usize) {
    let strip = |c: char| is_ruby_space(c) || c == '\0';
    let start = line.find(|c: char| !strip(c)).unwrap_or(line.len());
    let end = line.rfind(|c: char| !strip(c)).map_or(start, |i| {
        i + line[i..].chars().next().map_or(0, char::len_utf8)
    });
    (start, end.max(start))
}

/// Ruby's `blank?` for a string.
fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Ruby's `String#to_i` for a string of whitespace and digits.
fn ruby_to_i(s: &str) -> u32 {
    let t = s.trim_start_matches(is_ruby_space);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or(if digits.is_empty() { 0 } else { u32::MAX })
}

fn parse_gitlab(text: &str, co: &mut CodeOwners) {
    // Named section keys in insertion order, as GitLab's hash keys after "codeowners".
    let mut named: Vec<String> = Vec::new();
    let mut header = Header {
        section: None,
        optional: false,
        approvals: 0,
        default_text: String::new(),
        defaults: Vec::new(),
    };
    // Per rule: did it come from an optional header (for `optional_section?`).
    let mut rule_optional: Vec<bool> = Vec::new();
    let mut approvals_by_section: HashMap<usize, u32> = HashMap::new();
    for (n, raw) in lines(text) {
        let (s, e) = ruby_strip(raw);
        let t = &raw[s..e];
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let optional = t.starts_with("^[");
        if optional || t.starts_with('[') {
            let open = usize::from(optional);
            let Some(close) = t[open + 1..].find(']').map(|i| open + 1 + i) else {
                co.problems.push(problem(
                    SYNTAX.id,
                    n,
                    column(raw, s),
                    format!(
                        "malformed section header `{t}`: no closing `]` (GitLab: \
                         invalid_section_format); GitLab skips this line"
                    ),
                ));
                continue;
            };
            header = gitlab_header(t, raw, s, n, optional, open, close, co, &mut named);
            if let Some(i) = header.section {
                let a = approvals_by_section.entry(i).or_insert(0);
                *a = (*a).max(header.approvals.max(1));
            }
            continue;
        }
        // An entry: the pattern ends at the first whitespace not preceded by `\`.
        let mut split = None;
        let mut prev = '\0';
        for (i, c) in t.char_indices() {
            if is_ruby_space(c) && prev != '\\' {
                split = Some(i);
                break;
            }
            prev = c;
        }
        let (pattern, owner_text, owner_at) = match split {
            Some(i) => {
                let rest = &t[i..];
                let skip = rest.len() - rest.trim_start_matches(is_ruby_space).len();
                (&t[..i], &rest[skip..], s + i + skip)
            }
            None => (t, "", e),
        };
        let exclusion = pattern.starts_with('!');
        let pattern = if exclusion { &pattern[1..] } else { pattern };
        let mut owners = Vec::new();
        if !exclusion {
            let mut bad: Vec<(usize, &str)> = Vec::new();
            let mut at = owner_at;
            for tok in owner_text.split(is_ruby_space) {
                let tok_at = at;
                at += tok.len() + 1;
                if !tok.is_empty() && gitlab_references(tok).is_empty() {
                    bad.push((tok_at, tok));
                }
            }
            if let Some(&(first_at, _)) = bad.first() {
                let list: Vec<String> = bad.iter().map(|(_, t)| format!("`{t}`")).collect();
                let hint = if bad.iter().any(|(_, t)| t.starts_with('#')) {
                    "; GitLab does not support inline comments, so the words after `#` are read as owners"
                } else {
                    ""
                };
                co.problems.push(problem(
                    SYNTAX.id,
                    n,
                    column(raw, first_at),
                    format!(
                        "malformed owner {} (GitLab: malformed_entry_owner): expected `@user`, \
                         `@group/subgroup`, an email address or `@@developer`/`@@maintainer`/`@@owner`{hint}",
                        list.join(", ")
                    ),
                ));
            }
            if owner_text.is_empty() {
                owners = header.defaults.clone();
                if blank(&header.default_text) {
                    co.problems.push(problem(
                        SYNTAX.id,
                        n,
                        column(raw, s),
                        format!(
                            "`{pattern}` has no owners and its section has no default owners \
                             (GitLab: missing_entry_owner)"
                        ),
                    ));
                }
            } else {
                owners = gitlab_references(owner_text);
            }
        }
        co.rules.push(Rule {
            line: n,
            column: column(raw, s),
            pattern: pattern.to_string(),
            owners,
            section: header.section,
            exclusion,
            approvals_required: header.approvals.max(1),
        });
        rule_optional.push(header.optional);
    }
    // `optional_section?`: every entry GitLab keeps for the section (the last one per
    // normalised pattern) comes from an optional header.
    let mut kept: HashMap<(usize, String), usize> = HashMap::new();
    for (i, r) in co.rules.iter().enumerate() {
        if let Some(sec) = r.section {
            kept.insert((sec, gitlab_normalize(&r.pattern)), i);
        }
    }
    let mut all_optional = vec![true; co.sections.len()];
    let mut any = vec![false; co.sections.len()];
    for (&(sec, _), &i) in &kept {
        any[sec] = true;
        all_optional[sec] &= rule_optional[i];
    }
    for (i, sec) in co.sections.iter_mut().enumerate() {
        sec.optional = any[i] && all_optional[i];
        sec.approvals_required = approvals_by_section.get(&i).copied().unwrap_or(1);
    }
}

/// Parses a section header line (`t` stripped, at byte `s` of `raw`; `[` at `open`, the first
/// `]` at `close`), reports its problems and returns it as the current header.
#[allow(clippy::too_many_arguments)]
fn gitlab_header(
    t: &str,
    raw: &str,
    s: usize,
    n: u32,
    optional: bool,
    open: usize,
    close: usize,
    co: &mut CodeOwners,
    named: &mut Vec<String>,
) -> Header {
    let name = &t[open + 1..close];
    let mut rest = &t[close + 1..];
    let mut rest_at = close + 1;
    // `(?:\[(?<approvals>[\s\d]*)\])?`
    let mut raw_approvals: Option<(&str, usize)> = None;
    if let Some(after) = rest.strip_prefix('[') {
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || is_ruby_space(c)))
            .unwrap_or(after.len());
        if after[len..].starts_with(']') {
            raw_approvals = Some((&after[..len], rest_at));
            rest = &after[len + 1..];
            rest_at += len + 2;
        }
    }
    // `(?<default_owners>\s*[@\w.\-/\s]*)?`
    let default_len = rest
        .find(|c: char| {
            !(is_ruby_space(c)
                || c.is_ascii_alphanumeric()
                || matches!(c, '@' | '_' | '.' | '-' | '/'))
        })
        .unwrap_or(rest.len());
    let default_raw = &rest[..default_len];
    let default_text = default_raw.trim_matches(is_ruby_space).to_string();
    let approvals = raw_approvals.map_or(0, |(a, _)| ruby_to_i(a));

    let before = co.problems.len();
    let col = |at: usize| column(raw, s + at);
    if blank(name) {
        co.problems.push(problem(
            SYNTAX.id,
            n,
            col(open),
            "section header without a name (GitLab: missing_section_name)".to_string(),
        ));
    }
    if let Some((a, at)) = raw_approvals {
        let numeric = !a.trim_matches(is_ruby_space).is_empty()
            && a.trim_matches(is_ruby_space)
                .chars()
                .all(|c| c.is_ascii_digit());
        if !numeric {
            co.problems.push(problem(
                SYNTAX.id,
                n,
                col(at),
                format!(
                    "approval count `[{a}]` is not a number (GitLab: invalid_approval_requirement)"
                ),
            ));
        } else if optional && approvals > 0 {
            co.problems.push(problem(
                SYNTAX.id,
                n,
                col(at),
                format!(
                    "optional section `^[{name}]` cannot require approvals `[{a}]` (GitLab: \
                     invalid_approval_requirement)"
                ),
            ));
        }
    }
    if !blank(&default_text) {
        let lead = default_raw.len() - default_raw.trim_start_matches(is_ruby_space).len();
        let mut at = rest_at + lead;
        for tok in default_text.split(is_ruby_space) {
            let tok_at = at;
            at += tok.len() + 1;
            if tok.is_empty() {
                continue;
            }
            if !gitlab_exact_reference(tok) {
                co.problems.push(problem(
                    SYNTAX.id,
                    n,
                    col(tok_at),
                    format!(
                        "malformed default owner `{tok}` of section `{name}` (GitLab: \
                         invalid_section_owner_format)"
                    ),
                ));
                break;
            }
        }
    }
    if co.problems.len() == before && !strict_header(t, optional, close) {
        co.problems.push(problem(
            SYNTAX.id,
            n,
            col(close + 1),
            format!(
                "malformed section header `{t}` (GitLab: invalid_section_format): expected \
                 `[Name]`, `^[Name]` or `[Name][N]`, then default owners"
            ),
        ));
    }

    // GitLab's `find_section_name`: until a named section exists the name is taken as written;
    // afterwards the first existing key equal ignoring case (the default "codeowners" first).
    let resolved = if named.is_empty() {
        name.to_string()
    } else if name.to_lowercase() == super::matcher::GITLAB_DEFAULT_SECTION {
        super::matcher::GITLAB_DEFAULT_SECTION.to_string()
    } else {
        let lower = name.to_lowercase();
        named
            .iter()
            .find(|k| k.to_lowercase() == lower)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let section = if resolved == super::matcher::GITLAB_DEFAULT_SECTION {
        None
    } else if let Some(i) = co.sections.iter().position(|sec| sec.name == resolved) {
        Some(i)
    } else {
        named.push(resolved.clone());
        co.sections.push(Section {
            name: resolved,
            line: n,
            optional,
            approvals_required: approvals.max(1),
            default_owners: gitlab_references(&default_text),
        });
        Some(co.sections.len() - 1)
    };
    Header {
        section,
        optional,
        approvals,
        defaults: gitlab_references(&default_text),
        default_text,
    }
}

/// GitLab's `STRICT_HEADER_REGEX`:
/// `^(\^)?(\[[^\]]+\])(\[\d+\])?(\s+[@\w.\-/\s]+)?$`, given the first `]` at `close`.
fn strict_header(t: &str, optional: bool, close: usize) -> bool {
    if close == usize::from(optional) + 1 {
        return false; // empty name
    }
    let mut rest = &t[close + 1..];
    if let Some(after) = rest.strip_prefix('[') {
        let len = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with(']') {
            rest = &after[len + 1..];
        }
    }
    rest.is_empty()
        || (rest.starts_with(is_ruby_space)
            && rest.chars().count() >= 2
            && rest.chars().all(|c| {
                is_ruby_space(c)
                    || c.is_ascii_alphanumeric()
                    || matches!(c, '@' | '_' | '.' | '-' | '/')
            }))
}

/// The owner references GitLab's `ReferenceExtractor` finds in `text`, in order of appearance
/// and without repeats: `@name` (users and groups, `@group/subgroup`), email addresses, and
/// roles normalised to `@@developer`, `@@maintainer`, `@@owner`.
pub(crate) fn gitlab_references(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (at, len) in gitlab_names(text) {
        found.push((at, text[at..at + len].to_string()));
    }
    for (at, _, role) in gitlab_roles(text) {
        found.push((at, format!("@@{role}")));
    }
    for m in email_regex().find_iter(text) {
        found.push((m.start(), m.as_str().to_string()));
    }
    found.sort_by_key(|(at, _)| *at);
    let mut out: Vec<String> = Vec::new();
    for (_, r) in found {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// True when `tok` is exactly one reference as GitLab writes it back (`raw_references`).
fn gitlab_exact_reference(tok: &str) -> bool {
    gitlab_names(tok)
        .iter()
        .any(|&(at, len)| at == 0 && len == tok.len())
        || gitlab_roles(tok)
            .iter()
            .any(|&(at, len, _)| at == 0 && len == tok.len())
        || email_regex()
            .find_iter(tok)
            .any(|m| m.start() == 0 && m.end() == tok.len())
}

/// `[^@\s]{1,100}@[^@\s]{1,255}(?<!\W)`: the last character is a word character.
fn email_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[^@ \t\n\x0B\x0C\r]{1,100}@[^@ \t\n\x0B\x0C\r]{0,254}[A-Za-z0-9_]")
            .expect("email regex")
    })
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `(?<![\w@])@(?<user>FULL_NAMESPACE_FORMAT_REGEX)`: byte offset and length of each `@name`.
fn gitlab_names(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        let p = prev;
        prev = Some(c);
        if i < skip_to || c != '@' || p.is_some_and(|p| is_word(p) || p == '@') {
            continue;
        }
        let run_len = text[i + 1..]
            .find(|c: char| !(is_word(c) || matches!(c, '.' | '-' | '/')))
            .unwrap_or(text.len() - i - 1);
        if let Some(len) = full_namespace(&text[i + 1..i + 1 + run_len]) {
            out.push((i, len + 1));
            skip_to = i + 1 + len;
        }
    }
    out
}

/// Longest prefix of `run` matching `(SEG/)*SEG` (GitLab's `PathRegex`), SEG being
/// `[a-zA-Z0-9_.][a-zA-Z0-9_\-.]*[a-zA-Z0-9_\-]|[a-zA-Z0-9_]` not ending in `.git`/`.atom`.
fn full_namespace(run: &str) -> Option<usize> {
    let parts: Vec<&str> = run.split('/').collect();
    let mut full = 0;
    while full + 1 < parts.len() && segment_prefix(parts[full]) == Some(parts[full].len()) {
        full += 1;
    }
    for j in (0..=full).rev() {
        if let Some(len) = segment_prefix(parts[j]) {
            let before: usize = parts[..j].iter().map(|p| p.len() + 1).sum();
            return Some(before + len);
        }
    }
    None
}

/// Length of the longest prefix of `s` that is one namespace segment.
fn segment_prefix(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let start_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    let end_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    for len in (1..=b.len()).rev() {
        let p = &s[..len];
        let ok = if len == 1 {
            b[0].is_ascii_alphanumeric() || b[0] == b'_'
        } else {
            start_ok(b[0]) && end_ok(b[len - 1])
        };
        if ok && !p.ends_with(".git") && !p.ends_with(".atom") {
            return Some(len);
        }
    }
    None
}

/// `(?<![\w@])@@(developer|maintainer|owner)s?(?:\s|$)`, case-insensitive: offset, length
/// and the role.
fn gitlab_roles(text: &str) -> Vec<(usize, usize, &'static str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == b'@'
            && bytes[i + 1] == b'@'
            && (i == 0 || !(is_word(bytes[i - 1] as char) || bytes[i - 1] == b'@'))
        {
            let after = &text[i + 2..];
            for role in ["developer", "maintainer", "owner"] {
                if after
                    .get(..role.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(role))
                {
                    let mut len = role.len();
                    let plural = after[len..].starts_with(['s', 'S']);
                    let ends = |l: usize| after[l..].chars().next().is_none_or(is_ruby_space);
                    if plural && ends(len + 1) {
                        len += 1;
                    } else if !ends(len) {
                        continue;
                    }
                    out.push((i, len + 2, role));
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(text: &str) -> CodeOwners {
        parse(text, "CODEOWNERS", Dialect::GitHub)
    }

    fn gl(text: &str) -> CodeOwners {
        parse(text, "CODEOWNERS", Dialect::GitLab)
    }

    fn kinds(co: &CodeOwners) -> Vec<(&'static str, u32, u32)> {
        co.problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect()
    }

    #[test]
    fn discover_in_each_forges_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(discover(root, Dialect::GitHub), None);
        for rel in [
            "CODEOWNERS",
            "docs/CODEOWNERS",
            ".gitlab/CODEOWNERS",
            ".github/CODEOWNERS",
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "* @a\n").unwrap();
        }
        assert_eq!(
            discover(root, Dialect::GitHub),
            Some(root.join(".github/CODEOWNERS"))
        );
        assert_eq!(
            discover(root, Dialect::GitLab),
            Some(root.join("CODEOWNERS"))
        );
        std::fs::remove_file(root.join("CODEOWNERS")).unwrap();
        std::fs::remove_file(root.join(".github/CODEOWNERS")).unwrap();
        assert_eq!(
            discover(root, Dialect::GitHub),
            Some(root.join("docs/CODEOWNERS"))
        );
        assert_eq!(
            discover(root, Dialect::GitLab),
            Some(root.join("docs/CODEOWNERS"))
        );
        std::fs::remove_file(root.join("docs/CODEOWNERS")).unwrap();
        assert_eq!(discover(root, Dialect::GitHub), None);
        assert_eq!(
            discover(root, Dialect::GitLab),
            Some(root.join(".gitlab/CODEOWNERS"))
        );
    }

    #[test]
    fn github_rules_comments_and_escapes() {
        let co = gh("# comment\n\n*       @global-owner1 @global-owner2\n*.js    @js-owner #This is an inline comment.\n  /build/logs/ @doctocat # trailing\npath\\ with\\ spaces/ docs@example.com\n/apps/github\r\n");
        assert!(co.problems.is_empty(), "{:?}", co.problems);
        let r: Vec<(u32, u32, &str, Vec<&str>)> = co
            .rules
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.column,
                    r.pattern.as_str(),
                    r.owners.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            r,
            vec![
                (3, 1, "*", vec!["@global-owner1", "@global-owner2"]),
                (4, 1, "*.js", vec!["@js-owner"]),
                (5, 3, "/build/logs/", vec!["@doctocat"]),
                (6, 1, "path\\ with\\ spaces/", vec!["docs@example.com"]),
                (7, 1, "/apps/github", vec![]),
            ]
        );
        assert!(co.sections.is_empty());
        assert!(co
            .rules
            .iter()
            .all(|r| r.section.is_none() && r.approvals_required == 1));
    }

    #[test]
    fn github_unsupported_syntax() {
        let co =
            gh("* @a\n!negated.md @b\n\\#file.rb @c\n/apps/[param]/file.ts @d\nfile[0-9].txt @e\n");
        assert_eq!(
            kinds(&co),
            vec![
                ("unsupported-syntax", 2, 1),
                ("unsupported-syntax", 3, 1),
                ("unsupported-syntax", 4, 7),
                ("unsupported-syntax", 5, 5),
            ]
        );
        // `!` and `\#` lines are skipped as GitHub skips them; brackets are kept, literal.
        let lines: Vec<u32> = co.rules.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 4, 5]);
        let m = co.matcher();
        assert_eq!(m.owners_of("negated.md").owners, vec!["@a"]);
        assert_eq!(m.owners_of("file1.txt").owners, vec!["@a"]);
        assert_eq!(m.owners_of("apps/[param]/file.ts").owners, vec!["@d"]);
        // Escaped brackets are plain characters: no problem.
        assert!(gh("a\\[b\\] @x\n").problems.is_empty());
    }

    #[test]
    fn github_owner_syntax_errors_with_columns() {
        let co = gh("*.rb @ok not-an-owner\n*.go @org/team user@example.com @a@b\n*.md  @@maintainer\n*.py @under_score @org/team.name x@y\n");
        assert_eq!(
            kinds(&co),
            vec![
                ("syntax-error", 1, 10),
                ("syntax-error", 2, 33),
                ("syntax-error", 3, 7),
                ("syntax-error", 4, 34)
            ]
        );
        assert!(co.problems[0].message.contains("`not-an-owner`"));
        // Lines with invalid owners are skipped as GitHub does.
        assert!(co.rules.is_empty());
        let co = gh("é/ñ @ok\tbad\n");
        assert_eq!(kinds(&co), vec![("syntax-error", 1, 9)]);
        // Well-formed mentions of users that cannot exist are for the forge check.
        let co = gh("*.c @alex.chen @org/team/sub\n*.h @alex.chen @org/Team_1 @x.y\n");
        assert_eq!(kinds(&co), vec![("syntax-error", 1, 16)]);
        assert_eq!(co.rules.len(), 1);
        assert_eq!(
            co.rules[0].owners,
            vec!["@alex.chen", "@org/Team_1", "@x.y"]
        );
    }

    #[test]
    fn github_file_too_large() {
        let mut text = String::from("* @a\n");
        while text.len() < GITHUB_MAX_BYTES {
            text.push_str("/some/long/path/to/a/file.txt @owner\n");
        }
        let co = gh(&text);
        assert_eq!(kinds(&co), vec![("file-too-large", 0, 0)]);
        assert!(co.rules.is_empty(), "GitHub ignores the whole file");
        let small = gh(&text[..GITHUB_MAX_BYTES - 1]);
        assert!(small.problems.iter().all(|p| p.rule != "file-too-large"));
    }

    #[test]
    fn gitlab_sections_defaults_and_merging() {
        let co = gl("\
* @admin

[Documentation][2] @docs-team
docs/
README.md @tech-lead

^[Database] @database-team @agarcia
model/db/
config/db/database-setup.md @docs-team

[DOCUMENTATION]
guides/

[Roles]
/config/ @@maintainer @@Developers owner@example.com @group/with-nested/subgroup
");
        // Line 12 has no owners under a header without default owners.
        assert_eq!(kinds(&co), vec![("syntax-error", 12, 1)]);
        let names: Vec<&str> = co.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["Documentation", "Database", "Roles"]);
        let doc = &co.sections[0];
        assert_eq!(
            (doc.line, doc.optional, doc.approvals_required),
            (3, false, 2)
        );
        assert_eq!(doc.default_owners, vec!["@docs-team"]);
        assert!(co.sections[1].optional);
        let r = |line: u32| co.rules.iter().find(|r| r.line == line).unwrap();
        assert_eq!(r(1).section, None);
        assert_eq!(r(4).owners, vec!["@docs-team"]);
        assert_eq!(r(4).approvals_required, 2);
        assert_eq!(r(5).owners, vec!["@tech-lead"]);
        assert_eq!(r(8).owners, vec!["@database-team", "@agarcia"]);
        assert_eq!(r(12).section, Some(0), "merged case-insensitively");
        assert!(
            r(12).owners.is_empty(),
            "the second header has no default owners"
        );
        assert_eq!(r(12).approvals_required, 1);
        assert_eq!(
            r(15).owners,
            vec![
                "@@maintainer",
                "@@developer",
                "owner@example.com",
                "@group/with-nested/subgroup"
            ]
        );
    }

    #[test]
    fn gitlab_missing_owner_under_header_without_defaults() {
        let co = gl("[A] @a\nx\n[a]\ny\n");
        assert_eq!(kinds(&co), vec![("syntax-error", 4, 1)]);
        assert!(co.problems[0].message.contains("missing_entry_owner"));
    }

    /// GitLab's `file_spec.rb` "detects syntax errors".
    #[test]
    fn gitlab_error_kinds_from_file_spec() {
        let co = gl("*.rb\n\n[]\n*_spec.rb @gl-test\n\n^[Optional][5]\n*.txt @user\n\n[Invalid section\n\n[OK section header]\n");
        let got: Vec<(u32, &str)> = co
            .problems
            .iter()
            .map(|p| {
                (
                    p.line,
                    p.message
                        .split("GitLab: ")
                        .nth(1)
                        .unwrap()
                        .split(')')
                        .next()
                        .unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "missing_entry_owner"),
                (3, "missing_section_name"),
                (6, "invalid_approval_requirement"),
                (9, "invalid_section_format"),
            ]
        );
        assert_eq!(
            kinds(&co)[1..],
            [
                ("syntax-error", 3, 1),
                ("syntax-error", 6, 12),
                ("syntax-error", 9, 1)
            ]
        );
        // The unclosed header is skipped, not read as an entry.
        assert!(co.rules.iter().all(|r| r.line != 9));
        // `[]` still opens a section (named "").
        assert_eq!(
            co.rules.iter().find(|r| r.line == 4).unwrap().section,
            Some(0)
        );
        assert_eq!(co.sections[0].name, "");
    }

    #[test]
    fn gitlab_malformed_owners() {
        let co = gl("*.rb @valid-user\n*.js not_a_user_not_an_email\n*.py malformed @valid-user @valid-group another_malformed\n");
        assert_eq!(
            kinds(&co),
            vec![("syntax-error", 2, 6), ("syntax-error", 3, 6)]
        );
        assert!(co.problems[1]
            .message
            .contains("`malformed`, `another_malformed`"));
        // Owner text without references: no owners, and no missing-owner error.
        assert!(co.rules[1].owners.is_empty());
        assert_eq!(co.rules[2].owners, vec!["@valid-user", "@valid-group"]);
        // Inline comments are not comments on GitLab; owners in them are parsed.
        let co = gl("*.rb @a # ask @b\n");
        assert_eq!(kinds(&co), vec![("syntax-error", 1, 9)]);
        assert!(co.problems[0].message.contains("inline comments"));
        assert_eq!(co.rules[0].owners, vec!["@a", "@b"]);
        // `@@foo` is not a role.
        assert_eq!(kinds(&gl("x @@foo\n")), vec![("syntax-error", 1, 3)]);
    }

    #[test]
    fn gitlab_header_errors() {
        let one = |t: &str| {
            let co = gl(t);
            co.problems
                .iter()
                .map(|p| {
                    format!(
                        "{}:{}:{}",
                        p.line,
                        p.column,
                        p.message
                            .split("GitLab: ")
                            .nth(1)
                            .unwrap()
                            .split(')')
                            .next()
                            .unwrap()
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            one("^[Opt][2] @a\n"),
            vec!["1:7:invalid_approval_requirement"]
        );
        assert_eq!(one("[Sec][]\n"), vec!["1:6:invalid_approval_requirement"]);
        assert_eq!(
            one("[Sec] foo\n* @a\n"),
            vec!["1:7:invalid_section_owner_format"]
        );
        assert_eq!(one("[Sec] @a, @b\n"), vec!["1:6:invalid_section_format"]);
        assert_eq!(
            one("[Required with non-numbers][q]\n"),
            vec!["1:28:invalid_section_format"]
        );
        assert_eq!(one("  [Sec\n"), vec!["1:3:invalid_section_format"]);
        assert!(one("^[Opt] @a\n[Sec][3] @a @@owner a@b.c\n  [Required]\n").is_empty());
        assert!(
            one("^[Opt][0]\n* @a\n").is_empty(),
            "[0] is a number, and not > 0"
        );
        // `[Sec][q]` still opens the section.
        let co = gl("[Sec][q] @x\n* @a\n");
        assert_eq!(co.rules[0].section, Some(0));
        // Text before a bracket is not a header.
        let co = gl("Something before [Partially optional]\n");
        assert!(co.sections.is_empty());
        assert_eq!(co.rules[0].pattern, "Something");
    }

    #[test]
    fn gitlab_exclusions_and_escapes() {
        let co = gl(
            "* @group-x\n!*.rb\n!pom.xml @ignored\n\\#file_with_pound.rb @p\na/weird\\ path @w\n",
        );
        assert!(co.problems.is_empty(), "{:?}", co.problems);
        assert!(co.rules[1].exclusion && co.rules[1].pattern == "*.rb" && co.rules[1].column == 1);
        assert!(co.rules[2].owners.is_empty(), "exclusions have no owners");
        assert_eq!(co.rules[3].pattern, "\\#file_with_pound.rb");
        assert_eq!(co.rules[4].pattern, "a/weird\\ path");
    }

    #[test]
    fn gitlab_optional_sections_follow_kept_entries() {
        // file_spec.rb `#optional_section?`.
        let co = gl("*.rb @ruby-owner\n\n[Required]\n*_spec.rb @gl-test\n\n^[Optional]\n*_spec.rb @gl-test\n\n[Partially optional]\n*.md @gl-docs\n\n^[Partially optional]\ndoc/* @gl-docs\n");
        let opt: Vec<(&str, bool)> = co
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.optional))
            .collect();
        assert_eq!(
            opt,
            vec![
                ("Required", false),
                ("Optional", true),
                ("Partially optional", false)
            ]
        );
        // A re-assigned pattern takes the optional flag of its last header.
        let co = gl("[S]\n*.md @a\n^[s]\n*.md @b\n");
        assert!(co.sections[0].optional);
    }

    #[test]
    fn gitlab_codeowners_named_header_joins_default() {
        let co = gl("[Docs]\n/docs/ @d\n[CODEOWNERS]\n* @x\n");
        assert_eq!(co.rules[1].section, None);
        assert_eq!(co.sections.len(), 1);
    }

    #[test]
    fn gitlab_references_like_gitlab() {
        assert_eq!(
            gitlab_references("@user @group/sub a.b@example.com"),
            vec!["@user", "@group/sub", "a.b@example.com"]
        );
        assert_eq!(gitlab_references("@a."), vec!["@a"]);
        assert_eq!(gitlab_references("@repo.git"), vec!["@repo.gi"]);
        assert_eq!(gitlab_references("foo@bar"), vec!["foo@bar"]);
        assert_eq!(
            gitlab_references("@@OWNERS @@developer"),
            vec!["@@owner", "@@developer"]
        );
        assert!(gitlab_references("@@foo # @").is_empty());
        assert!(gitlab_exact_reference("@@maintainers"));
        assert!(!gitlab_exact_reference("@a,"));
        assert!(!gitlab_exact_reference("@@devs"));
    }
}
