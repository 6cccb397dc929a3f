//! Glob helpers shared by the sections: the length bound, building a glob with a typed error,
//! and `lint.exclude`-style path patterns (also `deps.teams.*.paths`).

use globset::GlobBuilder;

use super::Invalid;

/// Longest glob accepted (Linux's PATH_MAX): matcher construction grows faster than linearly
/// with a pattern's length, so a runaway value must not stall the run.
pub const MAX_GLOB_BYTES: usize = 4096;

pub fn check_glob_len(p: &str) -> Result<(), Invalid> {
    if p.len() > MAX_GLOB_BYTES {
        return Err(Invalid::GlobTooLong { len: p.len() });
    }
    Ok(())
}

/// `p` built as a glob, or why it is not one.
pub fn build_glob(p: &str, builder: &mut GlobBuilder<'_>) -> Result<globset::Glob, Invalid> {
    builder.build().map_err(|e| Invalid::Glob {
        pattern: p.to_string(),
        reason: e.kind().to_string(),
    })
}

pub fn names_nothing(pattern: &str, what: &'static str) -> Invalid {
    Invalid::EmptyGlob {
        pattern: pattern.to_string(),
        what,
    }
}

/// `rel` without a leading `./` or `/`, with `/` separators.
pub fn normalize_rel(rel: &str) -> std::borrow::Cow<'_, str> {
    let mut p = rel;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/');
    if p.contains('\\') {
        std::borrow::Cow::Owned(p.replace('\\', "/"))
    } else {
        std::borrow::Cow::Borrowed(p)
    }
}

/// One exclude pattern as the globs it stands for (the pattern and `pattern/**`).
pub fn compile_exclude(pattern: &str) -> Result<Vec<globset::Glob>, Invalid> {
    check_glob_len(pattern)?;
    let mut p = pattern.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/').trim_end_matches('/');
    if !p
        .chars()
        .any(|c| c != '/' && c != '.' && !c.is_whitespace())
    {
        return Err(names_nothing(
            pattern,
            "file (use `**` to exclude everything)",
        ));
    }
    let build = |g: &str| build_glob(pattern, GlobBuilder::new(g).literal_separator(true));
    let mut globs = vec![build(p)?];
    if !p.ends_with("**") {
        globs.push(build(&format!("{p}/**"))?);
    }
    Ok(globs)
}
