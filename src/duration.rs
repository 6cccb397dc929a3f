//! The one duration syntax every tool uses: `30s`, `5m`, `1h`, combinations such as `1h30m`,
//! and `500ms`.
//!
//! A duration is one or more `<integer><unit>` parts with units `h`, `m`, `s`, `ms`, each at
//! most once and from largest to smallest; no spaces, signs or fractions. `0s` is allowed.
//! [`parse_duration`] works as a clap `value_parser`:
//!
//! ```
//! # use std::time::Duration;
//! #[derive(clap::Parser)]
//! struct Args {
//!     #[arg(long, value_parser = sfci::duration::parse_duration, default_value = "10m")]
//!     timeout: Duration,
//! }
//! ```

use std::time::Duration;

const UNITS: &[(&str, u64)] = &[("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];

/// Parses `30s`, `5m`, `1h`, `1h30m`, `500ms`, `2m30s`… into a [`Duration`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let invalid = |why: &str| Err(format!("invalid duration `{s}`: {why}"));
    if s.is_empty() {
        return invalid("it is empty; write e.g. `30s`, `5m`, `1h` or `1h30m`");
    }
    if s.trim() != s || s.contains(char::is_whitespace) {
        return invalid("remove the spaces (write e.g. `1h30m`)");
    }
    let mut total_ms: u64 = 0;
    let mut last_unit: Option<usize> = None;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            let why = if rest.starts_with('-') || rest.starts_with('+') {
                "durations have no sign".to_string()
            } else {
                format!("expected a number at `{rest}`")
            };
            return invalid(&why);
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return if after.starts_with('.') || after.starts_with(',') {
                invalid("fractions are not supported; combine units instead (`1h30m`, `1500ms`)")
            } else if s.chars().all(|c| c.is_ascii_digit()) {
                invalid(&format!(
                    "missing unit; write `{s}s` for seconds or `{s}m` for minutes"
                ))
            } else {
                invalid(&format!(
                    "missing unit after `{number}` (use h, m, s or ms)"
                ))
            };
        }
        let Some(index) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return invalid(&format!("unknown unit `{unit}` (use h, m, s or ms)"));
        };
        if let Some(last) = last_unit {
            if index <= last {
                return invalid("give each unit once, largest first (e.g. `1h30m`, `2m30s`)");
            }
        }
        last_unit = Some(index);
        let value: u64 = match number.parse() {
            Ok(v) => v,
            Err(_) => return invalid("the number is too large"),
        };
        let part = value.checked_mul(UNITS[index].1);
        total_ms = match part.and_then(|p| total_ms.checked_add(p)) {
            Some(t) => t,
            None => return invalid("the duration is too large"),
        };
        rest = after;
    }
    Ok(Duration::from_millis(total_ms))
}

/// Formats a duration in the same syntax, largest units first (`1h30m`, `2m5s`, `250ms`, `0s`).
/// Sub-millisecond parts are dropped. `parse_duration(&format_duration(d))` gives `d` back for
/// whole milliseconds.
pub fn format_duration(d: Duration) -> String {
    let mut ms = d.as_millis();
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, size) in UNITS {
        let size = u128::from(*size);
        let count = ms / size;
        if count > 0 {
            out.push_str(&format!("{count}{unit}"));
            ms -= count * size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse_duration("30s"), Ok(secs(30)));
        assert_eq!(parse_duration("5m"), Ok(secs(300)));
        assert_eq!(parse_duration("1h"), Ok(secs(3600)));
        assert_eq!(parse_duration("1h30m"), Ok(secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m30s"), Ok(secs(150)));
        assert_eq!(
            parse_duration("1h0m5s250ms"),
            Ok(Duration::from_millis(3_605_250))
        );
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("90m"), Ok(secs(5400)), "no carry rules");
        assert_eq!(parse_duration("007s"), Ok(secs(7)));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let cases = [
            ("", "invalid duration ``: it is empty; write e.g. `30s`, `5m`, `1h` or `1h30m`"),
            ("30", "invalid duration `30`: missing unit; write `30s` for seconds or `30m` for minutes"),
            ("1h30", "invalid duration `1h30`: missing unit after `30` (use h, m, s or ms)"),
            ("1.5h", "invalid duration `1.5h`: fractions are not supported; combine units instead (`1h30m`, `1500ms`)"),
            ("5d", "invalid duration `5d`: unknown unit `d` (use h, m, s or ms)"),
            ("5M", "invalid duration `5M`: unknown unit `M` (use h, m, s or ms)"),
            ("5min", "invalid duration `5min`: unknown unit `min` (use h, m, s or ms)"),
            ("30m1h", "invalid duration `30m1h`: give each unit once, largest first (e.g. `1h30m`, `2m30s`)"),
            ("1m1m", "invalid duration `1m1m`: give each unit once, largest first (e.g. `1h30m`, `2m30s`)"),
            ("-5s", "invalid duration `-5s`: durations have no sign"),
            ("s", "invalid duration `s`: expected a number at `s`"),
            (" 5s", "invalid duration ` 5s`: remove the spaces (write e.g. `1h30m`)"),
            ("1h 30m", "invalid duration `1h 30m`: remove the spaces (write e.g. `1h30m`)"),
            ("99999999999999999999s", "invalid duration `99999999999999999999s`: the number is too large"),
            ("18446744073709551615h", "invalid duration `18446744073709551615h`: the duration is too large"),
            ("5s!", "invalid duration `5s!`: expected a number at `!`"),
            ("٣s", "invalid duration `٣s`: expected a number at `٣s`"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_duration(input),
                Err(expected.to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn format_round_trips() {
        for text in [
            "0s", "30s", "5m", "1h", "1h30m", "500ms", "2m30s", "1h5s", "25h",
        ] {
            let d = parse_duration(text).unwrap();
            assert_eq!(format_duration(d), text);
        }
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_micros(1500)), "1ms");
        assert_eq!(format_duration(Duration::from_micros(10)), "0s");
    }

    #[test]
    fn works_as_a_clap_value_parser() {
        use clap::Parser;
        #[derive(Parser, Debug)]
        struct Args {
            #[arg(long, value_parser = parse_duration, default_value = "10m")]
            timeout: Duration,
        }
        let args = Args::try_parse_from(["tool", "--timeout", "1h30m"]).unwrap();
        assert_eq!(args.timeout, secs(5400));
        assert_eq!(Args::try_parse_from(["tool"]).unwrap().timeout, secs(600));
        let err = Args::try_parse_from(["tool", "--timeout", "90"]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("invalid value '90' for '--timeout <TIMEOUT>'")
                && text.contains("missing unit; write `90s`"),
            "{text}"
        );
    }
}
