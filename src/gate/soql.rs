//! A [`Measure`] source over the org: each measurement is a SOQL query through the
//! [`crate::org`] client (auth, retries, timeouts, secrets as for `smoke`).
//!
//! The value is the query's `totalSize` (`SELECT COUNT() FROM AsyncApexJob WHERE …`), or,
//! for an aggregate query (`SELECT SUM(NumberOfErrors) total FROM …`), the one number of its
//! first row; an aggregate over no rows (`null`) is *no data*.
//!
//! SOQL has no "last N minutes" literal, so `{since:5m}` in a query is replaced at each
//! measurement by the UTC date-time that long ago (`2026-11-27T22:55:00Z`): the failed jobs of
//! the last five minutes are `… WHERE Status = 'Failed' AND CreatedDate >= {since:5m}`, and
//! yesterday's count `… CreatedDate >= {since:48h} AND CreatedDate < {since:24h}`.

use super::error_rate::{Measure, MeasureError};
use crate::duration::parse_duration;
use crate::org::{Api, Credentials, Org, OrgConfig};

/// The org source. `Api::Tooling` for Tooling queries.
pub struct OrgSource {
    org: Org,
    rt: tokio::runtime::Runtime,
    api: Api,
}

impl OrgSource {
    /// Logs in.
    pub fn connect(creds: Credentials, cfg: OrgConfig, api: Api) -> Result<OrgSource, String> {
        let rt = crate::org::runtime().map_err(|e| e.to_string())?;
        let org = rt
            .block_on(Org::connect(creds, cfg))
            .map_err(|e| format!("cannot log in to the org: {e}"))?;
        Ok(OrgSource { org, rt, api })
    }
}

/// Replaces every `{since:<duration>}` with the UTC date-time that long before `now`.
pub fn expand_since(query: &str, now: jiff::Timestamp) -> Result<String, String> {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(i) = rest.find("{since:") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 7..];
        let end = tail
            .find('}')
            .ok_or_else(|| "`{since:` without a closing `}`".to_string())?;
        let d = parse_duration(tail[..end].trim())
            .map_err(|e| format!("{{since:{}}}: {e}", &tail[..end]))?;
        let span = jiff::SignedDuration::try_from(d).map_err(|e| format!("{{since:}}: {e}"))?;
        let at = now
            .checked_sub(span)
            .map_err(|e| format!("{{since:{}}}: {e}", &tail[..end]))?;
        out.push_str(&at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The measurement in a query result.
fn value_of(total: u64, records: &[serde_json::Value]) -> Option<f64> {
    let Some(first) = records.first() else {
        return Some(total as f64);
    };
    let fields: Vec<&serde_json::Value> = first
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "attributes")
                .map(|(_, v)| v)
                .collect()
        })
        .unwrap_or_default();
    let aggregate = first["attributes"]["type"] == "AggregateResult";
    match fields.as_slice() {
        // An aggregate row: its one value (null over no rows = no data).
        [v] if aggregate || v.is_number() => v.as_f64(),
        // Plain rows: how many.
        _ => Some(total as f64),
    }
}

impl Measure for OrgSource {
    fn describe(&self) -> String {
        format!("Salesforce org ({})", self.org.describe())
    }

    fn measure(&mut self, query: &str) -> Result<Option<f64>, MeasureError> {
        let soql = expand_since(query, jiff::Timestamp::now()).map_err(MeasureError)?;
        let r = self
            .rt
            .block_on(self.org.query(&soql, self.api, false))
            .map_err(|e| MeasureError(self.org.scrub(&e.to_string())))?;
        Ok(value_of(r.total_size, &r.records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn since_is_expanded_in_utc() {
        let now: jiff::Timestamp = "2026-11-27T23:00:00Z".parse().unwrap();
        assert_eq!(
            expand_since(
                "WHERE CreatedDate >= {since:5m} AND CreatedDate < {since:1h30m}",
                now
            )
            .unwrap(),
            "WHERE CreatedDate >= 2026-11-27T22:55:00Z AND CreatedDate < 2026-11-27T21:30:00Z"
        );
        assert_eq!(
            expand_since("no placeholder", now).unwrap(),
            "no placeholder"
        );
        assert!(expand_since("{since:5m", now).is_err());
        assert!(expand_since("{since:soon}", now).is_err());
    }

    #[test]
    fn values() {
        assert_eq!(value_of(7, &[]), Some(7.0));
        assert_eq!(
            value_of(1, &[json!({"attributes": {}, "expr0": 12})]),
            Some(12.0)
        );
        assert_eq!(
            value_of(
                1,
                &[json!({"attributes": {"type": "AggregateResult"}, "total": null})]
            ),
            None
        );
        assert_eq!(
            value_of(
                1,
                &[json!({"attributes": {"type": "AsyncApexJob"}, "ExtendedStatus": null})]
            ),
            Some(1.0)
        );
        assert_eq!(
            value_of(2, &[json!({"Id": "707"}), json!({"Id": "708"})]),
            Some(2.0)
        );
    }
}
