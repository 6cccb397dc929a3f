//! `gate window`: deploy only inside an allowed window and never during a freeze.
//!
//! **Windows** are written `DAYS HH:MM-HH:MM [ZONE]`:
//!
//! - `DAYS`: `Fri`, `Mon-Thu`, `Sat,Sun`, `Fri-Mon` (wraps), `daily` (or `*`); English day
//!   names, short or long, any case.
//! - Times are wall-clock times in `ZONE` (an IANA name such as `America/New_York`; default
//!   the gate's `--tz`, else UTC). An end at or before the start runs overnight into the next
//!   day (`Fri 22:00-02:00` ends Saturday 02:00); `24:00` ends at midnight.
//!
//! **Freezes** are `FROM..TO` (or one date): dates are whole days with `TO` included
//! (`2024-12-20..2025-01-02`), date-times `2024-12-20T18:00` are exact with `TO` excluded; a
//! trailing zone name is allowed, else the zone of the first window (or `--tz`, else UTC).
//!
//! Times are turned into instants with the real tz database (jiff), so a window stays at its
//! wall-clock hours across DST changes: `Fri 18:00-22:00 America/New_York` is 22:00–02:00 UTC
//! in summer and 23:00–03:00 UTC in winter. A wall time that does not exist (the spring-forward
//! gap) moves forward by the gap's length; a repeated one (fall-back) takes the earlier instant.
//! When the gate is closed, the message says when the next window opens (looking up to
//! [`HORIZON_DAYS`] ahead, freezes included).

use super::{GateError, Override};
use crate::notify::NotifyArgs;
use crate::report::results::{CheckResult, ResultsReport};
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

/// How far ahead the next opening is looked for.
pub const HORIZON_DAYS: i32 = 400;

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "monday"),
    (Weekday::Tuesday, "tue", "tuesday"),
    (Weekday::Wednesday, "wed", "wednesday"),
    (Weekday::Thursday, "thu", "thursday"),
    (Weekday::Friday, "fri", "friday"),
    (Weekday::Saturday, "sat", "saturday"),
    (Weekday::Sunday, "sun", "sunday"),
];

fn weekday(s: &str) -> Option<Weekday> {
    let l = s.to_ascii_lowercase();
    DAYS.iter()
        .find(|(_, short, long)| {
            l == *short || l == *long || (l.len() >= 3 && long.starts_with(&l))
        })
        .map(|(d, _, _)| *d)
}

fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| {
        format!("unknown time zone `{name}` (use an IANA name such as `America/New_York` or `UTC`)")
    })
}

/// One allowed window.
#[derive(Debug, Clone)]
pub struct Window {
    /// As written.
    pub spec: String,
    /// Days the window starts on (Monday first).
    days: [bool; 7],
    start: Time,
    /// End time; `None` = 24:00.
    end: Option<Time>,
    overnight: bool,
    /// `None`: the gate's default zone.
    pub tz: Option<(String, TimeZone)>,
}

fn parse_hm(s: &str) -> Option<Option<Time>> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    if h == 24 && m == 0 {
        return Some(None);
    }
    Time::new(h, m, 0, 0).ok().map(Some)
}

impl Window {
    /// Parses `Fri 18:00-22:00 America/New_York`.
    pub fn parse(spec: &str) -> Result<Window, String> {
        let bad = |why: String| {
            format!("invalid window `{spec}`: {why}; write e.g. `Fri 18:00-22:00 America/New_York`")
        };
        let parts: Vec<&str> = spec.split_whitespace().collect();
        let (days_s, times_s, tz_s) = match parts.as_slice() {
            [d, t] => (*d, *t, None),
            [d, t, z] => (*d, *t, Some(*z)),
            _ => return Err(bad("expected `DAYS HH:MM-HH:MM [ZONE]`".into())),
        };
        let mut days = [false; 7];
        if days_s == "*" || days_s.eq_ignore_ascii_case("daily") {
            days = [true; 7];
        } else {
            for part in days_s.split(',') {
                match part.split_once('-') {
                    Some((a, b)) => {
                        let a = weekday(a).ok_or_else(|| bad(format!("unknown day `{a}`")))?;
                        let b = weekday(b).ok_or_else(|| bad(format!("unknown day `{b}`")))?;
                        let mut i = a.to_monday_zero_offset() as usize;
                        let j = b.to_monday_zero_offset() as usize;
                        loop {
                            days[i] = true;
                            if i == j {
                                break;
                            }
                            i = (i + 1) % 7;
                        }
                    }
                    None => {
                        let d =
                            weekday(part).ok_or_else(|| bad(format!("unknown day `{part}`")))?;
                        days[d.to_monday_zero_offset() as usize] = true;
                    }
                }
            }
        }
        let (a, b) = times_s
            .split_once('-')
            .ok_or_else(|| bad(format!("expected a time range, found `{times_s}`")))?;
        let start = match parse_hm(a) {
            Some(Some(t)) => t,
            _ => {
                return Err(bad(format!(
                    "invalid start time `{a}` (HH:MM, 00:00-23:59)"
                )))
            }
        };
        let end = parse_hm(b)
            .ok_or_else(|| bad(format!("invalid end time `{b}` (HH:MM, up to 24:00)")))?;
        if end == Some(start) {
            return Err(bad("the window starts and ends at the same time".into()));
        }
        let overnight = matches!(end, Some(e) if e < start);
        let tz = match tz_s {
            Some(name) => Some((name.to_string(), zone(name).map_err(bad)?)),
            None => None,
        };
        Ok(Window {
            spec: spec.split_whitespace().collect::<Vec<_>>().join(" "),
            days,
            start,
            end,
            overnight,
            tz,
        })
    }

    fn zone<'a>(&'a self, default: &'a TimeZone) -> &'a TimeZone {
        self.tz.as_ref().map(|(_, z)| z).unwrap_or(default)
    }

    /// The window's occurrences that start on a day from `from` to `to` (civil dates in its zone).
    fn occurrences(
        &self,
        default: &TimeZone,
        from: Date,
        days: i32,
    ) -> Vec<(Timestamp, Timestamp)> {
        let tz = self.zone(default);
        let mut out = Vec::new();
        let mut d = from;
        for _ in 0..days {
            if self.days[d.weekday().to_monday_zero_offset() as usize] {
                let start = at(tz, d, self.start);
                let end = match self.end {
                    Some(e) if self.overnight => d.tomorrow().ok().map(|n| at(tz, n, e)),
                    Some(e) => Some(at(tz, d, e)),
                    None => d.tomorrow().ok().map(|n| at(tz, n, Time::midnight())),
                };
                if let (Some(s), Some(e)) = (start, end.flatten()) {
                    if s < e {
                        out.push((s, e));
                    }
                }
            }
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        out
    }
}

/// A civil date and time in `tz` as an instant (gaps forward, folds earlier).
fn at(tz: &TimeZone, d: Date, t: Time) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(DateTime::from_parts(d, t))
        .compatible()
        .ok()
}

/// A freeze period.
#[derive(Debug, Clone)]
pub struct Freeze {
    pub spec: String,
    from: Bound,
    to: Bound,
    pub tz: Option<(String, TimeZone)>,
}

#[derive(Debug, Clone, Copy)]
enum Bound {
    Day(Date),
    At(DateTime),
}

fn parse_bound(s: &str) -> Option<Bound> {
    if s.contains('T') || s.contains(' ') {
        s.replace(' ', "T").parse::<DateTime>().ok().map(Bound::At)
    } else {
        s.parse::<Date>().ok().map(Bound::Day)
    }
}

impl Freeze {
    /// Parses `2024-12-20..2025-01-02`, `2024-12-24`, `2024-12-20T18:00..2024-12-23T06:00 Europe/Paris`.
    pub fn parse(spec: &str) -> Result<Freeze, String> {
        let bad = |why: String| {
            format!("invalid freeze `{spec}`: {why}; write e.g. `2024-12-20..2025-01-02` or `2024-12-20T18:00..2024-12-23T06:00`")
        };
        let trimmed = spec.trim();
        let (range, tz_s) = match trimmed.rsplit_once(' ') {
            Some((r, z)) if z.contains('/') || z.eq_ignore_ascii_case("utc") => (r.trim(), Some(z)),
            _ => (trimmed, None),
        };
        let (a, b) = range.split_once("..").unwrap_or((range, range));
        let from = parse_bound(a.trim()).ok_or_else(|| {
            bad(format!(
                "`{a}` is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM)"
            ))
        })?;
        let to = parse_bound(b.trim()).ok_or_else(|| {
            bad(format!(
                "`{b}` is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM)"
            ))
        })?;
        let start = match from {
            Bound::Day(d) => d.to_datetime(Time::midnight()),
            Bound::At(t) => t,
        };
        let end = match to {
            Bound::Day(d) => d
                .tomorrow()
                .map_err(|e| bad(e.to_string()))?
                .to_datetime(Time::midnight()),
            Bound::At(t) => t,
        };
        if end <= start {
            return Err(bad("it ends before it starts".into()));
        }
        let tz = match tz_s {
            Some(name) => Some((name.to_string(), zone(name).map_err(bad)?)),
            None => None,
        };
        Ok(Freeze {
            spec: trimmed.to_string(),
            from,
            to,
            tz,
        })
    }

    fn interval(&self, default: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        let tz = self.tz.as_ref().map(|(_, z)| z).unwrap_or(default);
        let start = match self.from {
            Bound::Day(d) => at(tz, d, Time::midnight())?,
            Bound::At(t) => at(tz, t.date(), t.time())?,
        };
        let end = match self.to {
            Bound::Day(d) => at(tz, d.tomorrow().ok()?, Time::midnight())?,
            Bound::At(t) => at(tz, t.date(), t.time())?,
        };
        Some((start, end))
    }
}

/// What the gate decided.
#[derive(Debug, Clone)]
pub struct Decision {
    pub open: bool,
    pub message: String,
    /// When the current window closes (open) or the next one opens (closed), if known.
    pub next_change: Option<Zoned>,
    pub in_freeze: Option<String>,
}

/// The window gate: allowed windows (none = always allowed) and freezes.
#[derive(Debug, Clone)]
pub struct WindowGate {
    pub windows: Vec<Window>,
    pub freezes: Vec<Freeze>,
    /// Zone of windows and freezes that name none, and of the messages.
    pub tz: TimeZone,
    pub tz_name: String,
}

/// `2d 3h 15m`, `45m`, `30s`.
pub fn human(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 || parts.is_empty() && secs >= 60 {
        parts.push(format!("{m}m"));
    }
    if parts.is_empty() {
        parts.push(format!("{secs}s"));
    }
    parts.join(" ")
}

fn show(ts: Timestamp, tz: &TimeZone) -> Zoned {
    ts.to_zoned(tz.clone())
}

fn fmt_zoned(z: &Zoned) -> String {
    z.strftime("%a %Y-%m-%d %H:%M %Z").to_string()
}

impl WindowGate {
    /// Builds the gate; the default zone is `tz` if given, else the first window's, else UTC.
    pub fn new(
        windows: &[String],
        freezes: &[String],
        tz: Option<&str>,
    ) -> Result<WindowGate, GateError> {
        let windows = windows
            .iter()
            .map(|w| Window::parse(w))
            .collect::<Result<Vec<_>, _>>()?;
        let freezes = freezes
            .iter()
            .map(|f| Freeze::parse(f))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_parsed(windows, freezes, tz)
    }

    /// [`WindowGate::new`] from windows and freezes already parsed (`.sfci.yml` `gate.window`,
    /// parsed when the configuration is loaded).
    pub fn from_parsed(
        windows: Vec<Window>,
        freezes: Vec<Freeze>,
        tz: Option<&str>,
    ) -> Result<WindowGate, GateError> {
        if windows.is_empty() && freezes.is_empty() {
            return Err(GateError(
                "no windows or freezes: give --allow \"Fri 18:00-22:00 America/New_York\" and/or --freeze FROM..TO, or set gate.window in .sfci.yml".into(),
            ));
        }
        let (tz_name, tz) = match tz {
            Some(name) => (name.to_string(), zone(name)?),
            None => match windows.iter().find_map(|w| w.tz.clone()) {
                Some((n, z)) => (n, z),
                None => ("UTC".to_string(), TimeZone::UTC),
            },
        };
        Ok(WindowGate {
            windows,
            freezes,
            tz,
            tz_name,
        })
    }

    fn freeze_at(
        &self,
        t: Timestamp,
        freezes: &[(usize, (Timestamp, Timestamp))],
    ) -> Option<usize> {
        freezes
            .iter()
            .find(|(_, (s, e))| *s <= t && t < *e)
            .map(|(i, _)| *i)
    }

    /// Decides at `now`.
    pub fn decide(&self, now: Timestamp) -> Decision {
        let freezes: Vec<(usize, (Timestamp, Timestamp))> = self
            .freezes
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.interval(&self.tz).map(|iv| (i, iv)))
            .collect();
        let mut occurrences: Vec<(usize, (Timestamp, Timestamp))> = Vec::new();
        for (i, w) in self.windows.iter().enumerate() {
            let today = now.to_zoned(w.zone(&self.tz).clone()).date();
            let from = today.checked_sub(2.days()).unwrap_or(today);
            for iv in w.occurrences(&self.tz, from, HORIZON_DAYS + 3) {
                occurrences.push((i, iv));
            }
        }
        let in_window = |t: Timestamp| -> Option<usize> {
            if self.windows.is_empty() {
                return Some(usize::MAX);
            }
            occurrences
                .iter()
                .find(|(_, (s, e))| *s <= t && t < *e)
                .map(|(i, _)| *i)
        };
        let freeze_now = self.freeze_at(now, &freezes);
        let window_now = in_window(now);
        let horizon = now
            .checked_add(jiff::SignedDuration::from_hours(24 * HORIZON_DAYS as i64))
            .unwrap_or(now);
        let is_open =
            |t: Timestamp| in_window(t).is_some() && self.freeze_at(t, &freezes).is_none();

        if window_now.is_some() && freeze_now.is_none() {
            // Open: until the window ends or a freeze starts, whichever is first.
            let mut ends: Vec<Timestamp> = occurrences
                .iter()
                .filter(|(_, (s, e))| *s <= now && now < *e)
                .map(|(_, (_, e))| *e)
                .collect();
            ends.extend(freezes.iter().map(|(_, (s, _))| *s).filter(|s| *s > now));
            let close = ends.into_iter().filter(|t| *t > now).min();
            let what = match window_now {
                Some(i) if i != usize::MAX => format!("inside the window {}", self.windows[i].spec),
                _ => "no freeze in effect".to_string(),
            };
            let message = match close {
                Some(c) if c <= horizon => format!(
                    "open: {what}; closes {} (in {})",
                    fmt_zoned(&show(c, &self.tz)),
                    human(c.as_second() - now.as_second())
                ),
                _ => format!("open: {what}"),
            };
            return Decision {
                open: true,
                message,
                next_change: close.map(|c| show(c, &self.tz)),
                in_freeze: None,
            };
        }

        // Closed: the next opening is a window start or a freeze end at which it is open.
        let mut candidates: Vec<Timestamp> = occurrences.iter().map(|(_, (s, _))| *s).collect();
        candidates.extend(freezes.iter().map(|(_, (_, e))| *e));
        candidates.retain(|t| *t > now && *t <= horizon);
        candidates.sort_unstable();
        let next = candidates.into_iter().find(|t| is_open(*t));
        let reason = match freeze_now {
            Some(i) => format!("closed: freeze {} is in effect", self.freezes[i].spec),
            None => {
                let specs: Vec<&str> = self.windows.iter().map(|w| w.spec.as_str()).collect();
                format!("closed: outside the allowed windows ({})", specs.join("; "))
            }
        };
        let message = match next {
            Some(t) => format!(
                "{reason}; the next window opens {} (in {})",
                fmt_zoned(&show(t, &self.tz)),
                human(t.as_second() - now.as_second())
            ),
            None => format!("{reason}; no window opens in the next {HORIZON_DAYS} days"),
        };
        Decision {
            open: false,
            message,
            next_change: next.map(|t| show(t, &self.tz)),
            in_freeze: freeze_now.map(|i| self.freezes[i].spec.clone()),
        }
    }
}

/// Parses `--now` (RFC 3339 with an offset or `Z`).
pub fn parse_now(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().map_err(|_| {
        format!("invalid --now `{s}`: use RFC 3339 with an offset, e.g. 2024-11-08T18:30:00-05:00 or 2024-11-08T23:30:00Z")
    })
}

/// `gate window`.
pub struct Check {
    /// `--allow` windows; with no `--freeze` either, `.sfci.yml` `gate.window` is used.
    pub allow: Vec<String>,
    pub freeze: Vec<String>,
    pub tz: Option<String>,
    /// Decide at this time (RFC 3339) instead of now.
    pub now: Option<String>,
    /// Where `.sfci.yml` is.
    pub root: std::path::PathBuf,
    pub over: Option<Override>,
    pub notify: NotifyArgs,
}

/// The check at `at`, and the gate it belongs to for an override (`freeze` inside a
/// freeze, else `window`): a pass while open, a failure while closed, with the time and
/// when the gate next closes or opens.
pub fn check(gate: &WindowGate, at: Timestamp) -> (&'static str, CheckResult) {
    let d = gate.decide(at);
    let name = if d.in_freeze.is_some() {
        "freeze"
    } else {
        "window"
    };
    let mut r = if d.open {
        CheckResult::pass("deployment window", d.message)
    } else {
        CheckResult::fail("deployment window", d.message)
    }
    .with_group("window")
    .with_extra("now", at.to_zoned(gate.tz.clone()).to_string().into())
    .with_extra("open", d.open.into());
    if let Some(n) = &d.next_change {
        r = r.with_extra(
            if d.open { "closes_at" } else { "next_open" },
            n.timestamp().to_string().into(),
        );
    }
    (name, r)
}

/// Is now a time to deploy? A blocking gate (`--override` passes it).
pub fn run(c: &Check) -> Result<ResultsReport, GateError> {
    let started = std::time::Instant::now();
    // The config's windows were parsed when `.sfci.yml` was loaded; flags are parsed here.
    let gate = if c.allow.is_empty() && c.freeze.is_empty() {
        let window = super::config(&c.root)?.gate.window;
        WindowGate::from_parsed(window.allow, window.freeze, c.tz.as_deref())?
    } else {
        WindowGate::new(&c.allow, &c.freeze, c.tz.as_deref())?
    };
    let at = match &c.now {
        Some(n) => parse_now(n)?,
        None => Timestamp::now(),
    };
    let (name, r) = check(&gate, at);
    Ok(super::blocking_report(
        "window",
        name,
        r,
        c.over.as_ref(),
        &c.notify,
        started,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::Status;

    #[test]
    fn the_check_passes_in_a_window_and_fails_in_a_freeze() {
        let g = gate(&["Fri 18:00-22:00 UTC"], &["2024-12-20..2025-01-02"]);
        let (name, r) = check(&g, ts("2024-11-08T19:00:00Z"));
        assert_eq!((name, r.status), ("window", Status::Pass));
        assert_eq!(r.extra["open"], true);
        assert!(r.extra.contains_key("closes_at"), "{:?}", r.extra);
        let (name, r) = check(&g, ts("2024-11-08T23:00:00Z"));
        assert_eq!((name, r.status), ("window", Status::Fail));
        assert!(r.extra.contains_key("next_open"), "{:?}", r.extra);
        // A Friday evening inside the freeze: the freeze is what an override breaks.
        let (name, r) = check(&g, ts("2024-12-20T19:00:00Z"));
        assert_eq!((name, r.status), ("freeze", Status::Fail));
    }

    #[test]
    fn flags_replace_the_config_windows() {
        let c = Check {
            allow: vec!["daily 00:00-24:00 UTC".into()],
            freeze: vec![],
            tz: None,
            now: Some("2024-11-08T19:00:00Z".into()),
            root: "/nonexistent".into(),
            over: None,
            notify: NotifyArgs::default(),
        };
        let report = run(&c).unwrap();
        assert_eq!(report.results[0].status, Status::Pass);
        let e = run(&Check {
            now: Some("yesterday".into()),
            ..c
        })
        .unwrap_err();
        assert!(e.0.starts_with("invalid --now `yesterday`"), "{e}");
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn gate(w: &[&str], f: &[&str]) -> WindowGate {
        let w: Vec<String> = w.iter().map(|s| s.to_string()).collect();
        let f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
        WindowGate::new(&w, &f, None).unwrap()
    }

    #[test]
    fn parses_and_rejects() {
        for ok in [
            "Fri 18:00-22:00 America/New_York",
            "fri 22:00-02:00",
            "Mon-Thu 09:00-17:00 Europe/Paris",
            "Sat,Sun 00:00-24:00 UTC",
            "daily 01:00-03:00",
            "Fri-Mon 20:00-06:00",
            "Friday 18:00-22:00",
        ] {
            Window::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for (bad, why) in [
            ("Fri", "expected `DAYS HH:MM-HH:MM [ZONE]`"),
            ("Fry 18:00-22:00", "unknown day `Fry`"),
            ("Fri 18:00", "expected a time range"),
            ("Fri 25:00-26:00", "invalid start time `25:00`"),
            ("Fri 18:00-18:00", "starts and ends at the same time"),
            (
                "Fri 18:00-22:00 Mars/Olympus",
                "unknown time zone `Mars/Olympus`",
            ),
        ] {
            let e = Window::parse(bad).unwrap_err();
            assert!(
                e.starts_with(&format!("invalid window `{bad}`")) && e.contains(why),
                "{bad}: {e}"
            );
        }
        assert!(Freeze::parse("2024-12-20..2025-01-02").is_ok());
        assert!(Freeze::parse("2024-12-25").is_ok());
        assert!(Freeze::parse("2024-12-20T18:00..2024-12-23T06:00 Europe/Paris").is_ok());
        assert!(Freeze::parse("2025-01-02..2024-12-20")
            .unwrap_err()
            .contains("ends before"));
        assert!(Freeze::parse("soon")
            .unwrap_err()
            .starts_with("invalid freeze `soon`"));
    }

    #[test]
    fn friday_window_across_dst() {
        let g = gate(&["Fri 18:00-22:00 America/New_York"], &[]);
        // Summer (EDT, UTC-4): Fri 18:30 local = 22:30Z.
        let d = g.decide(ts("2024-11-01T22:30:00Z"));
        assert!(d.open, "{}", d.message);
        assert!(
            d.message
                .contains("closes Fri 2024-11-01 22:00 EDT (in 3h 30m)"),
            "{}",
            d.message
        );
        // After the change to EST (UTC-5), the same UTC time is 17:30 local: closed.
        let d = g.decide(ts("2024-11-08T22:30:00Z"));
        assert!(!d.open, "{}", d.message);
        assert!(
            d.message
                .contains("next window opens Fri 2024-11-08 18:00 EST (in 30m)"),
            "{}",
            d.message
        );
        // Saturday: the next is a week later.
        let d = g.decide(ts("2024-11-09T15:00:00Z"));
        assert!(
            d.message
                .contains("opens Fri 2024-11-15 18:00 EST (in 6d 8h)"),
            "{}",
            d.message
        );
    }

    #[test]
    fn overnight_windows_and_spring_forward() {
        let g = gate(&["Fri 22:00-02:00 America/New_York"], &[]);
        // Saturday 01:30 EDT belongs to Friday's window.
        assert!(g.decide(ts("2024-06-15T05:30:00Z")).open);
        assert!(!g.decide(ts("2024-06-15T06:30:00Z")).open);
        // A Saturday-night window across the spring-forward gap (2024-03-10 02:00 → 03:00):
        // 01:00 EST to 04:00 EDT is only two real hours.
        let g = gate(&["Sun 01:00-04:00 America/New_York"], &[]);
        assert!(g.decide(ts("2024-03-10T06:30:00Z")).open); // 01:30 EST
        assert!(g.decide(ts("2024-03-10T07:30:00Z")).open); // 03:30 EDT
        assert!(!g.decide(ts("2024-03-10T08:00:00Z")).open); // 04:00 EDT
    }

    #[test]
    fn freezes_close_windows_and_push_the_next_opening() {
        let g = gate(
            &["Fri 18:00-22:00 America/New_York"],
            &["2024-12-20..2025-01-02"],
        );
        let d = g.decide(ts("2024-12-20T23:30:00Z")); // Fri 18:30 EST, frozen
        assert!(!d.open);
        assert_eq!(d.in_freeze.as_deref(), Some("2024-12-20..2025-01-02"));
        assert!(
            d.message
                .contains("freeze 2024-12-20..2025-01-02 is in effect"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("opens Fri 2025-01-03 18:00 EST"),
            "{}",
            d.message
        );
        // A freeze that ends inside a window opens the gate at the freeze's end.
        let g = gate(
            &["daily 00:00-24:00 UTC"],
            &["2024-12-24T12:00..2024-12-24T18:00"],
        );
        let d = g.decide(ts("2024-12-24T13:00:00Z"));
        assert!(
            d.message.contains("opens Tue 2024-12-24 18:00 UTC (in 5h)"),
            "{}",
            d.message
        );
        // Freezes alone: open outside them.
        let g = gate(&[], &["2024-12-25"]);
        assert!(g.decide(ts("2024-12-26T00:00:00Z")).open);
        assert!(!g.decide(ts("2024-12-25T23:59:00Z")).open);
    }

    #[test]
    fn now_and_human() {
        assert!(parse_now("2024-11-08T18:30:00-05:00").is_ok());
        assert!(parse_now("2024-11-08 18:30").is_err());
        assert_eq!(human(30), "30s");
        assert_eq!(human(90), "1m");
        assert_eq!(human(3600 * 26 + 60 * 5), "1d 2h 5m");
    }
}
