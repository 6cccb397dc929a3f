//! Judging query records against `expect:` field maps.
//!
//! A field is a dotted path through relationships (`CronJobDetail.Name`). Its expected
//! value is a scalar (equal, leniently: `5` matches `5.0` and `"5"`, `true` matches
//! `"true"`), `null`, or one operator: `{not: V}`, `{in: [V, …]}`, `{matches: REGEX}`,
//! `{present: true|false}` (not null), `{gt|gte|lt|lte: N}` (numbers, or ISO dates and
//! times compared as text).

use serde_json::Value;
use std::collections::BTreeMap;

const OPERATORS: &[&str] = &["not", "in", "matches", "present", "gt", "gte", "lt", "lte"];

/// Checks the shape of an expected value when the spec is loaded.
pub fn check_matcher(v: &Value) -> Result<(), String> {
    let Value::Object(map) = v else {
        return Ok(());
    };
    if map.len() != 1 {
        return Err(format!(
            "an operator map has exactly one of {}",
            OPERATORS.join(", ")
        ));
    }
    let (op, arg) = map.iter().next().expect("one entry");
    match op.as_str() {
        // A mistake inside `not` would otherwise make it always true.
        "not" => check_matcher(arg).map_err(|e| format!("in `not`: {e}")),
        "in" => match arg.as_array() {
            Some(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => Ok(()),
            Some(_) => Err("`in` takes a list of plain values".into()),
            None => Err("`in` takes a list".into()),
        },
        "matches" => match arg.as_str() {
            Some(re) => regex::Regex::new(re)
                .map(|_| ())
                .map_err(|e| format!("`matches`: {e}")),
            None => Err("`matches` takes a regular expression".into()),
        },
        "present" if arg.is_boolean() => Ok(()),
        "present" => Err("`present` takes true or false".into()),
        "gt" | "gte" | "lt" | "lte" if arg.is_number() || arg.is_string() => Ok(()),
        "gt" | "gte" | "lt" | "lte" => Err(format!("`{op}` takes a number or a date")),
        other => Err(format!(
            "unknown operator `{other}`; use one of {}",
            OPERATORS.join(", ")
        )),
    }
}

/// The value at a dotted path (`Owner.Profile.Name`); `Null` when a step is missing or null.
pub fn field<'a>(record: &'a Value, path: &str) -> &'a Value {
    let mut cur = record;
    for step in path.split('.') {
        let next = match cur {
            Value::Object(map) => map.get(step).or_else(|| {
                // SOQL field names are case-insensitive.
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(step))
                    .map(|(_, v)| v)
            }),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return &Value::Null,
        }
    }
    cur
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Lenient equality between an expected scalar and an actual value.
pub fn equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Bool(a), Value::String(s)) | (Value::String(s), Value::Bool(a)) => {
            s.eq_ignore_ascii_case(if *a { "true" } else { "false" })
        }
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Number(_), _) | (_, Value::Number(_)) => {
            matches!((as_number(expected), as_number(actual)), (Some(a), Some(b)) if (a - b).abs() < 1e-9)
        }
        (a, b) => a == b,
    }
}

fn compare(op: &str, bound: &Value, actual: &Value) -> bool {
    use std::cmp::Ordering::*;
    // Numbers when both sides are numbers (a `${VAR}` bound is a numeric string),
    // else ISO dates and times as text.
    let ord = match (as_number(bound), as_number(actual)) {
        (Some(b), Some(a)) => a.partial_cmp(&b),
        _ => match (bound.as_str(), actual.as_str()) {
            // ISO 8601 dates and times in the same zone compare as text.
            (Some(b), Some(a)) => Some(a.cmp(b)),
            _ => None,
        },
    };
    matches!(
        (op, ord),
        ("gt", Some(Greater))
            | ("gte", Some(Greater | Equal))
            | ("lt", Some(Less))
            | ("lte", Some(Less | Equal))
    )
}

/// Whether `actual` satisfies `expected` (a scalar or an operator map).
pub fn matches(expected: &Value, actual: &Value) -> bool {
    let Value::Object(map) = expected else {
        return equal(expected, actual);
    };
    let Some((op, arg)) = map.iter().next() else {
        return false;
    };
    match op.as_str() {
        "not" => !matches(arg, actual),
        "in" => arg
            .as_array()
            .is_some_and(|items| items.iter().any(|i| equal(i, actual))),
        "matches" => {
            let text = match actual {
                Value::String(s) => s.clone(),
                Value::Null => return false,
                other => other.to_string(),
            };
            arg.as_str()
                .and_then(|re| regex::Regex::new(re).ok())
                .is_some_and(|re| re.is_match(&text))
        }
        "present" => arg.as_bool() == Some(!actual.is_null()),
        "gt" | "gte" | "lt" | "lte" => compare(op, arg, actual),
        _ => false,
    }
}

/// The first field of `fields` that `record` does not satisfy: (field, expected, actual).
pub fn first_mismatch<'a>(
    fields: &'a BTreeMap<String, Value>,
    record: &'a Value,
) -> Option<(&'a str, &'a Value, &'a Value)> {
    fields.iter().find_map(|(k, want)| {
        let got = field(record, k);
        (!matches(want, got)).then_some((k.as_str(), want, got))
    })
}

/// A record's fields (without `attributes`) on one line, cut to `max` characters.
pub fn show_record(record: &Value, max: usize) -> String {
    let mut r = record.clone();
    if let Value::Object(map) = &mut r {
        map.remove("attributes");
        for v in map.values_mut() {
            if let Value::Object(inner) = v {
                inner.remove("attributes");
            }
        }
    }
    let s = r.to_string();
    if s.chars().count() > max {
        let mut cut: String = s.chars().take(max).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_lenient_equality() {
        let rec = json!({"attributes": {"type": "CronTrigger"}, "State": "WAITING", "NextFireTime": "2026-11-27T23:00:00.000+0000",
                         "CronJobDetail": {"attributes": {}, "Name": "Nightly sync"}, "Count__c": 5.0, "Active__c": true, "Owner": null});
        assert!(matches(
            &json!("Nightly sync"),
            field(&rec, "CronJobDetail.Name")
        ));
        assert!(matches(
            &json!("Nightly sync"),
            field(&rec, "cronjobdetail.name")
        ));
        assert!(matches(&json!(5), field(&rec, "Count__c")));
        assert!(matches(&json!("5"), field(&rec, "Count__c")));
        assert!(matches(&json!("true"), field(&rec, "Active__c")));
        assert!(!matches(&json!("false"), field(&rec, "Active__c")));
        assert!(matches(&json!(null), field(&rec, "Owner.Name")));
        assert!(matches(
            &json!({"present": true}),
            field(&rec, "NextFireTime")
        ));
        assert!(!matches(&json!({"present": true}), field(&rec, "Owner")));
        assert!(matches(
            &json!({"in": ["WAITING", "ACQUIRED"]}),
            field(&rec, "State")
        ));
        assert!(matches(&json!({"not": "DELETED"}), field(&rec, "State")));
        assert!(matches(
            &json!({"matches": "^Night"}),
            field(&rec, "CronJobDetail.Name")
        ));
        assert!(matches(&json!({"gte": 5}), field(&rec, "Count__c")));
        assert!(!matches(&json!({"gt": 5}), field(&rec, "Count__c")));
        assert!(matches(
            &json!({"gt": "2026-11-23"}),
            field(&rec, "NextFireTime")
        ));
        let fields: BTreeMap<String, Value> = [
            ("State".to_string(), json!("WAITING")),
            ("Count__c".to_string(), json!(6)),
        ]
        .into();
        let (k, _, got) = first_mismatch(&fields, &rec).unwrap();
        assert_eq!((k, got), ("Count__c", &json!(5.0)));
        assert!(!show_record(&rec, 500).contains("attributes"));
    }

    #[test]
    fn matcher_shapes() {
        assert!(check_matcher(&json!({"in": [1]})).is_ok());
        assert!(check_matcher(&json!({"in": 1})).is_err());
        assert!(check_matcher(&json!({"matches": "("})).is_err());
        assert!(check_matcher(&json!({"between": 1})).is_err());
        assert!(check_matcher(&json!({"not": 1, "in": [1]})).is_err());
        for bad in [
            json!({"not": {"in": "Failed"}}),
            json!({"not": {}}),
            json!({"not": {"presnt": true}}),
            json!({"not": {"matches": "("}}),
            json!({"in": [{"not": 1}]}),
        ] {
            assert!(check_matcher(&bad).is_err(), "{bad}");
        }
        assert!(check_matcher(&json!({"not": {"in": ["Failed", "Aborted"]}})).is_ok());
    }
}
