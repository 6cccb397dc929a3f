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

/// The measurement in a query result: an aggregate query's one value (`SELECT SUM(…)`;
/// `null` over no rows is no data), otherwise `totalSize`.
fn value_of(total: u64, records: &[serde_json::Value]) -> Result<Option<f64>, String> {
    let aggregate = records
        .first()
        .is_some_and(|r| r["attributes"]["type"] == "AggregateResult");
    if !aggregate {
        return Ok(Some(total as f64));
    }
    if records.len() > 1 {
        return Err(format!(
            "the aggregate query returned {} rows (GROUP BY?); a measurement needs one value",
            records.len()
        ));
    }
    let fields: Vec<&serde_json::Value> = records[0]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "attributes")
                .map(|(_, v)| v)
                .collect()
        })
        .unwrap_or_default();
    match fields.as_slice() {
        [v] if v.is_null() => Ok(None),
        [v] => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| format!("the aggregate value {v} is not a number")),
        _ => Err(format!(
            "the aggregate query returned {} values; a measurement needs one",
            fields.len()
        )),
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
        value_of(r.total_size, &r.records).map_err(MeasureError)
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
        let agg =
            |v: serde_json::Value| json!({"attributes": {"type": "AggregateResult"}, "expr0": v});
        assert_eq!(value_of(7, &[]), Ok(Some(7.0)));
        assert_eq!(value_of(1, &[agg(json!(12))]), Ok(Some(12.0)));
        assert_eq!(value_of(1, &[agg(json!(null))]), Ok(None));
        assert!(value_of(2, &[agg(json!(1)), agg(json!(2))]).is_err());
        // Plain rows count, whatever their fields hold.
        let row = json!({"attributes": {"type": "AsyncApexJob"}, "NumberOfErrors": 1});
        assert_eq!(value_of(40, &[row.clone(), row]), Ok(Some(40.0)));
        assert_eq!(
            value_of(2, &[json!({"Id": "707"}), json!({"Id": "708"})]),
            Ok(Some(2.0))
        );
    }
}
