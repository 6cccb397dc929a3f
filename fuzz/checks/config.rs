//! `.sfci.yml`: `Config::from_str` on arbitrary text.
//!
//! Invariants beyond "no panic, no hang, bounded memory":
//! - an error's line and column point into the text (lines as YAML counts them);
//! - a configuration that loads round-trips: serialised back to YAML it loads again to an
//!   equal configuration (the published schema and `sfci config` rely on it);
//! - the compiled matchers answer (lint excludes, team of a path, edge rules).

use sfci::config::Config;

/// Runs the target on one input; panics when an invariant does not hold.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_str(text, ".sfci.yml") {
        Err(e) => {
            // YAML breaks lines at LF, CR, NEL, LS and PS: an upper bound.
            let lines = 1 + text
                .chars()
                .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
                .count();
            if let Some(l) = e.line {
                assert!(l >= 1 && l <= lines + 1, "error line {l} of {lines}: {e:?}");
            }
            if let Some(c) = e.column {
                assert!(c >= 1, "error column 0: {e:?}");
            }
            let _ = e.to_string();
        }
        Ok(c) => {
            let yaml = serde_saphyr::to_string(&c).expect("a loaded config serialises");
            let again = match Config::from_str(&yaml, "again.yml") {
                Ok(again) => again,
                Err(e) => panic!("a loaded config does not load back: {e}\n{yaml}"),
            };
            assert_eq!(c, again, "round trip changed the config:\n{yaml}");
            let _ = c
                .lint
                .exclude_set()
                .is_match("force-app/main/default/classes/A.cls");
            for tier in &c.gate.coverage.tiers {
                let _ = tier.classes.is_match("OrderService");
            }
            for rule in &c.gate.promotion.rules {
                let _ = rule.from.matcher().is_match("feature/x");
                let _ = rule.to.matcher().is_match("main");
            }
            for (name, _) in c.deps.teams_in_order() {
                let _ = c.deps.is_allowed(name, "shared");
                let _ = c.deps.is_denied("shared", name);
            }
            let _ = c
                .deps
                .team_of_path("sales/force-app/main/default/classes/A.cls");
            let _ = c.lint.severity_override("callout-without-mock");
        }
    }
}
