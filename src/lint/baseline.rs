//! Baselines: `--write-baseline FILE` records today's findings by fingerprint
//! (rule, file, symbol and a rule-specific key — never a line number, so findings
//! survive line moves); `--baseline FILE` reports only findings not in it.

use crate::report::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub tool: String,
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(default)]
    pub message: String,
}

impl Baseline {
    pub fn from_findings(tool: &str, findings: &[Finding]) -> Baseline {
        Baseline {
            tool: tool.to_string(),
            version: 1,
            findings: findings
                .iter()
                .map(|f| Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule.clone(),
                    file: f.file.clone(),
                    symbol: f.symbol.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        // Editors on Windows add a byte-order mark.
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        let b: Baseline = serde_json::from_slice(text).map_err(|e| {
            format!(
                "{}:{}:{}: not a sfci baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if b.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        text.push('\n');
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
    }

    /// Removes the findings the baseline holds; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *counts.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let before = findings.len();
        findings.retain(|f| match counts.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}
